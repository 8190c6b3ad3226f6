/**
 * http.get/post/put/patch/delete/request: real requests through the injected fetch.
 * Per the reference: a body without Content-Type is JSON-encoded (bytes go as application/octet-stream); a
 * `query` map is URL-encoded onto the URL; the result is {code, headers, body} with JSON bodies parsed and
 * text bodies as strings; a status >= 400 raises an HttpError map carrying code, headers and body; network
 * failures raise ConnectionFailedError (could not connect) or ConnectionError (broken mid-way); an expired
 * `timeout` (default 300 s, at most 1800 s) raises TimeoutError. `private_service_name` (a Service Directory service)
 * sends the call to that service's endpoint when the execution knows the service's origin. Against gcp-sim, calls to `*.googleapis.com`
 * go to gcp-sim (routeToSim); elsewhere `auth` is accepted and ignored locally.
 */
import { tagged, WorkflowError } from '../errors.ts';
import { fromJsonText, isMap, newMap, toJsonText, typeName, type WfMap, type WfValue } from '../values.ts';
import { optMap, optNumber, reqString, scalarText } from './args.ts';
import type { Builtin, BuiltinContext } from './types.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);
const COMMON = ['url', 'timeout', 'headers', 'query', 'auth', 'private_service_name', 'ca_certificate'];
const DEFAULT_TIMEOUT_SECONDS = 300;

export interface HttpRequestSpec {
  method: string;
  url: string;
  headers?: WfMap;
  query?: WfMap;
  body?: WfValue;
  timeoutSeconds?: number;
  /** The call's `auth` map ({type: OIDC | OAuth2}), when given. */
  auth?: WfMap;
  /** The Service Directory service the call is sent through (Workflows' private network access). */
  privateServiceName?: string;
}

/** https://cloud.google.com/service-directory/docs/reference/rest/v1/projects.locations.namespaces.services */
const SERVICE_NAME = /^projects\/[^/]+\/locations\/[^/]+\/namespaces\/[^/]+\/services\/[^/]+$/;

export function httpBuiltins(): Map<string, Builtin> {
  const out = new Map<string, Builtin>();
  const simple = (method: string, withBody: boolean): Builtin => ({
    params: withBody ? ['url', 'timeout', 'body', 'headers', 'query', 'auth', 'private_service_name', 'ca_certificate'] : COMMON,
    required: 1,
    call: (args, ctx) => sendHttp(specFromArgs(method, args, `http.${method.toLowerCase()}`), ctx),
  });
  out.set('http.get', simple('GET', false));
  out.set('http.delete', simple('DELETE', true));
  out.set('http.post', simple('POST', true));
  out.set('http.put', simple('PUT', true));
  out.set('http.patch', simple('PATCH', true));
  out.set('http.request', {
    params: ['method', 'url', 'timeout', 'body', 'headers', 'query', 'auth', 'private_service_name', 'ca_certificate'],
    required: 2,
    call: (args, ctx) => {
      const method = reqString(args, 'method', 'http.request').toUpperCase();
      if (!METHODS.has(method)) throw tagged('ValueError', `http.request: method must be one of ${[...METHODS].join(', ')}, got "${method}"`);
      return sendHttp(specFromArgs(method, args, 'http.request'), ctx);
    },
  });
  return out;
}

function specFromArgs(method: string, args: ReadonlyMap<string, WfValue>, fn: string): HttpRequestSpec {
  const auth = args.get('auth');
  if (auth !== undefined && auth !== null && !isMap(auth)) throw tagged('TypeError', `${fn}: "auth" must be a map with a "type" of OIDC or OAuth2`);
  if (isMap(auth) && auth.type !== 'OIDC' && auth.type !== 'OAuth2') throw tagged('ValueError', `${fn}: auth.type must be "OIDC" or "OAuth2", got ${typeof auth.type === 'string' ? `"${auth.type}"` : typeName(auth.type ?? null)}`);
  return {
    method,
    url: reqString(args, 'url', fn),
    headers: optMap(args, 'headers', fn),
    query: optMap(args, 'query', fn),
    body: args.get('body'),
    timeoutSeconds: optNumber(args, 'timeout', fn),
    auth: isMap(auth) ? auth : undefined,
    privateServiceName: privateServiceOf(args, fn),
  };
}

function privateServiceOf(args: ReadonlyMap<string, WfValue>, fn: string): string | undefined {
  const name = args.get('private_service_name');
  if (name === undefined || name === null) return undefined;
  if (typeof name !== 'string') throw tagged('TypeError', `${fn}: "private_service_name" must be a string, got ${typeName(name)}`);
  if (!SERVICE_NAME.test(name)) {
    throw tagged('ValueError', `${fn}: "private_service_name" must be a Service Directory service name (projects/PROJECT/locations/REGION/namespaces/NAMESPACE/services/SERVICE), got "${name}"`);
  }
  return name;
}

/**
 * A call through a Service Directory service connects to that service's endpoint inside the VPC;
 * the path and query stay the URL's. Locally the endpoints are loopback origins the caller registers.
 */
function routeToPrivateService(url: URL, spec: HttpRequestSpec, ctx: BuiltinContext): URL {
  if (!spec.privateServiceName || !ctx.privateServices) return url;
  const origin = ctx.privateServices.get(spec.privateServiceName);
  if (origin === undefined) {
    throw tagged('ConnectionFailedError', `could not connect to ${url.toString()}: Service Directory service ${spec.privateServiceName} is not registered`);
  }
  return new URL(`${new URL(origin).origin}${url.pathname}${url.search}`);
}

/** `*.googleapis.com` (and googleapis.com itself): the Google APIs, which gcp-sim stands in for. */
function isGoogleApisHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'googleapis.com' || h.endsWith('.googleapis.com');
}

/**
 * When the engine runs against gcp-sim (a connector base URL is set), an http.* call to a Google API goes there too,
 * as the connectors do: same path and query, on gcp-sim's origin (it routes by path, like the connectors' single
 * base URL). With `auth` the call carries the execution's token, as Workflows adds one; without, none, so gcp-sim
 * answers 401 as the real API would.
 */
async function routeToSim(url: URL, spec: HttpRequestSpec, headers: Record<string, string>, ctx: BuiltinContext): Promise<URL> {
  if (!ctx.connectorBaseUrl || !isGoogleApisHost(url.hostname)) return url;
  const base = new URL(ctx.connectorBaseUrl);
  const routed = new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${url.pathname}${url.search}`);
  if (spec.auth && ctx.tokenProvider && headerLookup(headers, 'Authorization') === undefined) {
    headers.Authorization = `Bearer ${await ctx.tokenProvider()}`;
  }
  return routed;
}

function headerLookup(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const k of Object.keys(headers)) if (k.toLowerCase() === lower) return headers[k];
  return undefined;
}

function encodeForm(m: WfMap): string {
  const p = new URLSearchParams();
  for (const k of Object.keys(m)) {
    const v = m[k];
    for (const x of Array.isArray(v) ? v : [v]) p.append(k, scalarText(x, `form field "${k}"`));
  }
  return p.toString();
}

function encodeBody(body: WfValue, headers: Record<string, string>): string | Uint8Array {
  const ct = headerLookup(headers, 'Content-Type');
  if (ct === undefined) {
    if (body instanceof Uint8Array) {
      headers['Content-Type'] = 'application/octet-stream';
      return body;
    }
    headers['Content-Type'] = 'application/json; charset=utf-8';
    return toJsonText(body);
  }
  const type = ct.toLowerCase();
  if (body instanceof Uint8Array) return body;
  if (type.includes('json')) return toJsonText(body);
  if (type.startsWith('application/x-www-form-urlencoded') && isMap(body)) return encodeForm(body);
  if (typeof body === 'string') return body;
  if (type.startsWith('text/')) return scalarText(body, 'a text/* request body');
  throw tagged('TypeError', `cannot encode a ${typeName(body)} body as ${ct}; send a string or bytes, or a JSON Content-Type`);
}

/** Go-style canonical header names (content-type → Content-Type), as Workflows reports them. */
function canonicalHeader(name: string): string {
  return name.split('-').map((w) => (w ? w[0].toUpperCase() + w.slice(1).toLowerCase() : w)).join('-');
}

function decodeBody(bytes: Uint8Array, contentType: string | null): WfValue {
  if (bytes.length === 0) return null;
  const type = (contentType ?? '').toLowerCase();
  const text = (): string => new TextDecoder().decode(bytes);
  if (type.includes('json')) {
    try {
      return fromJsonText(text());
    } catch {
      return text();
    }
  }
  if (type.startsWith('text/') || type.includes('xml') || type.includes('javascript') || type.includes('x-www-form-urlencoded')) return text();
  return bytes;
}

function networkError(err: unknown, url: string): WorkflowError {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? '';
  const detail = cause?.message ?? (err instanceof Error ? err.message : String(err));
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL'].includes(code)) {
    return tagged('ConnectionFailedError', `could not connect to ${url}: ${detail}`);
  }
  return tagged('ConnectionError', `connection to ${url} failed: ${detail}`);
}

/** Sends one request and maps the response (or failure) to Workflows values and error tags. */
export async function sendHttp(spec: HttpRequestSpec, ctx: BuiltinContext): Promise<WfValue> {
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch {
    throw tagged('ValueError', `invalid URL "${spec.url}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw tagged('ValueError', `URL must be http or https: "${spec.url}"`);
  for (const k of Object.keys(spec.query ?? {})) {
    const v = (spec.query as WfMap)[k];
    for (const x of Array.isArray(v) ? v : [v]) url.searchParams.append(k, scalarText(x, `query parameter "${k}"`));
  }
  const headers: Record<string, string> = {};
  for (const k of Object.keys(spec.headers ?? {})) headers[k] = scalarText((spec.headers as WfMap)[k], `header "${k}"`);
  url = await routeToSim(routeToPrivateService(url, spec, ctx), spec, headers, ctx);
  const hasBody = spec.body !== undefined && spec.body !== null && spec.method !== 'GET' && spec.method !== 'HEAD';
  const body = hasBody ? encodeBody(spec.body as WfValue, headers) : undefined;
  const timeout = spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (!(timeout > 0) || timeout > ctx.limits.maxHttpTimeoutSeconds) {
    throw tagged('ValueError', `timeout must be between 0 and ${ctx.limits.maxHttpTimeoutSeconds} seconds, got ${timeout}`);
  }
  // The request is real network I/O, so its timeout runs in real time, not on the injected clock.
  const timer = AbortSignal.timeout(timeout * 1000);
  const signal = ctx.signal ? AbortSignal.any([timer, ctx.signal]) : timer;
  let response: Response;
  let bytes: Uint8Array;
  try {
    response = await ctx.fetch(url.toString(), { method: spec.method, headers, body: body as BodyInit | undefined, signal, redirect: 'follow' });
    bytes = await readLimited(response, ctx.limits.maxHttpResponseBytes, url.toString());
  } catch (err) {
    if (err instanceof WorkflowError) throw err;
    if (timer.aborted) throw tagged('TimeoutError', `HTTP ${spec.method} ${url.toString()} timed out after ${timeout} seconds`);
    if (ctx.signal?.aborted) throw err;
    throw networkError(err, url.toString());
  }
  const responseHeaders = newMap();
  response.headers.forEach((value, name) => { responseHeaders[canonicalHeader(name)] = value; });
  const result = newMap();
  result.body = decodeBody(bytes, response.headers.get('content-type'));
  result.code = BigInt(response.status);
  result.headers = responseHeaders;
  if (response.status >= 400) {
    throw tagged('HttpError', `HTTP server responded with error code ${response.status}`, result);
  }
  return result;
}

async function readLimited(response: Response, limit: number, url: string): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw tagged('ResourceLimitError', `HTTP response from ${url} is larger than the ${limit}-byte limit`);
    }
    chunks.push(value);
  }
  const all = Buffer.concat(chunks);
  return new Uint8Array(all.buffer, all.byteOffset, all.length);
}
