/**
 * Argo CD over its REST API (grpc-gateway in front of ApplicationService) with `fetch`.
 * Argo CD answers a sync while another operation runs with HTTP 400 and the gRPC message
 * "another operation is already in progress": that is a wait-and-retry, so it is transient.
 * Every request is bounded by AbortSignal.timeout.
 */
import type { ArgoApplication, ArgoCd, HealthStatus, OperationPhase, SyncStatus } from '../../ports/argocd.ts';
import type { Clock } from '../../ports/clock.ts';
import type { AppParameters } from '../../ports/scale.ts';
import { PermanentError, TransientError, classifyHttpStatus } from '../../runtime/errors.ts';
import { toControlPlaneError } from './common/errors.ts';

const IN_PROGRESS = /another operation is already in progress/i;
const SYNC_STATUSES: readonly SyncStatus[] = ['Synced', 'OutOfSync', 'Unknown'];
const HEALTH_STATUSES: readonly HealthStatus[] = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'];
const PHASES: readonly OperationPhase[] = ['Running', 'Terminating', 'Failed', 'Error', 'Succeeded'];

export interface HttpArgoCdOptions {
  /** Upper bound on one request, in ms of real time. */
  timeoutMs?: number;
}

export class HttpArgoCd implements ArgoCd, AppParameters {
  private readonly base: string;
  private readonly timeoutMs: number;

  /** `_clock` keeps the adapters' common constructor shape; waiting for a sync is the caller's loop. */
  constructor(baseUrl: string, private readonly token: () => Promise<string>, _clock: Clock, options: HttpArgoCdOptions = {}) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async getApplication(name: string): Promise<ArgoApplication> {
    const app = await this.request('argocd.applications.get', 'GET', `/api/v1/applications/${appPath(name)}`);
    return toApplication(app, name);
  }

  async sync(name: string, options: { revision?: string } = {}): Promise<void> {
    const body: Record<string, unknown> = { name, prune: false, dryRun: false };
    if (options.revision) body.revision = options.revision;
    await this.request('argocd.applications.sync', 'POST', `/api/v1/applications/${appPath(name)}/sync`, body);
  }

  /**
   * `argocd app set APP -p name=value` over the API: read the Application, change
   * spec.source.helm.parameters, and write the spec back (ApplicationService.UpdateSpec).
   */
  async setHelmParameters(name: string, changes: Record<string, string | null>): Promise<Record<string, string | null>> {
    const app = await this.request('argocd.applications.get', 'GET', `/api/v1/applications/${appPath(name)}`);
    const spec = app?.spec;
    if (!spec?.source) throw new PermanentError(`argocd.applications.get ${name}: the Application has no spec.source to override parameters on`, { where: 'spec.source' });
    const parameters: Array<{ name: string; value: string; forceString?: boolean }> = [...(spec.source.helm?.parameters ?? [])];
    const previous: Record<string, string | null> = {};
    for (const [key, value] of Object.entries(changes)) {
      const at = parameters.findIndex((p) => p.name === key);
      previous[key] = at >= 0 ? String(parameters[at]!.value) : null;
      if (at >= 0) parameters.splice(at, 1);
      if (value !== null) parameters.push({ name: key, value });
    }
    const source = { ...spec.source, helm: { ...(spec.source.helm ?? {}), parameters } };
    await this.request('argocd.applications.updateSpec', 'PUT', `/api/v1/applications/${appPath(name)}/spec`, { ...spec, source });
    return previous;
  }

  private async request(where: string, method: string, path: string, body?: unknown): Promise<any> {
    let res: Response;
    try {
      const token = await this.token();
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw toControlPlaneError(err, where);
    }
    const text = await res.text().catch(() => '');
    let json: any;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    if (res.ok) {
      if (json === undefined) throw new PermanentError(`${where}: Argo CD answered ${res.status} without a JSON body`, { where, code: res.status });
      return json;
    }
    // Argo CD's grpc-gateway body is {error, code, message}; proxies in front may answer {error: {message}}.
    const fromBody: unknown = json?.message ?? json?.error?.message ?? (typeof json?.error === 'string' ? json.error : undefined);
    const message = String(fromBody || text.slice(0, 300) || res.statusText);
    const description = `${where}: Argo CD answered ${res.status}: ${message}`;
    const transient = IN_PROGRESS.test(message) || classifyHttpStatus(res.status, message) === 'transient';
    throw (transient
      ? new TransientError(description, { where, code: res.status })
      : new PermanentError(description, { where, code: res.status }));
  }
}

function appPath(name: string): string {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) {
    throw new PermanentError(`argocd: "${name}" is not a valid application name (a DNS-1123 subdomain)`, { where: 'name', code: 400 });
  }
  return encodeURIComponent(name);
}

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

function toApplication(app: any, name: string): ArgoApplication {
  const status = app?.status ?? {};
  const history = Array.isArray(status.history) ? status.history : [];
  return {
    name: app?.metadata?.name ?? name,
    syncStatus: pick(status.sync?.status, SYNC_STATUSES, 'Unknown'),
    healthStatus: pick(status.health?.status, HEALTH_STATUSES, 'Unknown'),
    operationPhase: status.operationState?.phase === undefined ? undefined : pick(status.operationState.phase, PHASES, 'Error'),
    revision: String(status.sync?.revision ?? ''),
    history: history.map((h: any) => ({
      id: Number(h.id ?? 0),
      revision: String(h.revision ?? ''),
      ...(h.deployedAt ? { deployedAt: new Date(h.deployedAt) } : {}),
    })),
  };
}
