/**
 * A small router for Google-style REST paths. Patterns use `{name}` for one path segment
 * (without ':', so custom verbs such as `/secrets/{secret}:addVersion` are their own routes)
 * and `{name=**}` for the rest of the path.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Accepts } from './accepts.ts';

export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Raw body bytes. */
  body: Buffer;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: any;
}

export interface SimResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send these bytes as-is instead of JSON-encoding `body`. */
  raw?: Buffer;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: string;
  pattern: string;
  /** A stable method id used by fault injection, e.g. `sqladmin.instances.clone`. */
  id: string;
  handler: SimHandler;
  /** What the route models; the server refuses anything else with 501 (see accepts.ts). */
  accepts: Accepts;
  regex: RegExp;
  names: string[];
}

export class Router {
  readonly routes: Route[] = [];

  add(method: string, pattern: string, id: string, handler: SimHandler, accepts: Accepts): void {
    const names: string[] = [];
    let source = '';
    for (let i = 0; i < pattern.length; ) {
      const open = pattern.indexOf('{', i);
      if (open < 0) { source += escape(pattern.slice(i)); break; }
      source += escape(pattern.slice(i, open));
      const close = pattern.indexOf('}', open);
      const spec = pattern.slice(open + 1, close);
      const [name, glob] = spec.split('=');
      names.push(name!);
      // A one-segment variable never holds ':': in Google's REST paths a ':' starts a custom
      // verb, so `secrets/s:getIamPolicy` must not be read as the secret "s:getIamPolicy".
      source += glob === '**' ? '(.+?)' : '([^/:]+)';
      i = close + 1;
    }
    this.routes.push({ method: method.toUpperCase(), pattern, id, handler, accepts, regex: new RegExp(`^${source}$`), names });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | { allowed: string[] } | null {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method.toUpperCase()) { allowed.push(route.method); continue; }
      const params: Record<string, string> = {};
      route.names.forEach((n, idx) => { params[n] = decodeURIComponent(m[idx + 1]!); });
      return { route, params };
    }
    return allowed.length ? { allowed } : null;
  }
}

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
