/**
 * The slice of the Argo CD API server the control plane uses
 * (https://argo-cd.readthedocs.io/en/stable/developer-guide/api-docs/, ApplicationService):
 * `GET /api/v1/applications/{name}` and `POST /api/v1/applications/{name}/sync`.
 * A sync is an operation that runs for `ctx.operationDurationMs` of clock time (health
 * Progressing) and then succeeds (Synced/Healthy, recorded in status.history). A second sync
 * while one runs is refused the way Argo CD refuses it: gRPC FailedPrecondition
 * "another operation is already in progress", which grpc-gateway sends as HTTP 400 with the
 * body {error, code: 9, message}.
 *
 * Simulator-only: `POST /api/v1/applications/{name}/__sim` with {nextSync: "fail"|"degrade"|"succeed"}
 * and/or {headRevision} decides how the next sync ends / what HEAD resolves to, so tests can
 * drive a rollback. Real Argo CD has no such route.
 */
import { unimplemented } from '../accepts.ts';
import type { Router, SimRequest, SimResponse } from '../router.ts';
import type { SimContext, SimService } from '../service.ts';
import { applicationJson, seedApplications, type SimApplication, type SimSyncOutcome } from './argocd/model.ts';

/** Argo CD's default `spec.revisionHistoryLimit`. */
const HISTORY_LIMIT = 10;
const GRPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, FAILED_PRECONDITION: 9 } as const;
const OUTCOMES: readonly SimSyncOutcome[] = ['succeed', 'fail', 'degrade'];

function argoError(status: number, code: number, message: string): SimResponse {
  return { status, body: { error: message, code, message } };
}

/** The ApplicationSpec fields UpdateSpec reads; anything else (syncPolicy, sources, ignoreDifferences…) answers 501. */
const APP_SPEC = {
  project: true,
  source: { repoURL: true, path: true, targetRevision: true, helm: { parameters: { name: true, value: true, forceString: true } } },
  destination: { server: true, namespace: true },
} as const;

export class ArgoCdSim implements SimService {
  readonly name = 'argocd';
  private apps = new Map<string, SimApplication>();
  private ctx!: SimContext;

  register(router: Router, ctx: SimContext): void {
    this.ctx = ctx;
    if (this.apps.size === 0) for (const app of seedApplications(ctx.clock.now())) this.apps.set(app.name, app);
    router.add('GET', '/api/v1/applications/{name}', 'argocd.applications.get', (req) => this.get(req), { query: ['refresh', 'project'] });
    router.add('POST', '/api/v1/applications/{name}/sync', 'argocd.applications.sync', (req) => this.sync(req), { body: { name: true, revision: true, prune: true, dryRun: true } });
    router.add('POST', '/api/v1/applications/{name}/__sim', 'argocd.applications.simControl', (req) => this.control(req), { body: { nextSync: true, headRevision: true } });
    router.add('PUT', '/api/v1/applications/{name}/spec', 'argocd.applications.updateSpec', (req) => this.updateSpec(req), { body: APP_SPEC });
  }

  /** Simulator-only: the health Argo CD reports for `name` right now (undefined if unknown). */
  applicationHealth(name: string): string | undefined {
    const app = this.apps.get(name);
    if (!app) return undefined;
    this.settle(app);
    return app.health;
  }

  /** Simulator-only: decide how the next sync of `name` ends. */
  setNextSyncOutcome(name: string, outcome: SimSyncOutcome): void {
    const app = this.apps.get(name);
    if (!app) throw new Error(`argocd sim has no application ${name}`);
    app.nextSyncOutcome = outcome;
  }

  /** Simulator-only: a new commit lands on the tracked branch; the app becomes OutOfSync. */
  setHeadRevision(name: string, revision: string): void {
    const app = this.apps.get(name);
    if (!app) throw new Error(`argocd sim has no application ${name}`);
    app.headRevision = revision;
    if (!app.operation && app.syncedRevision !== revision) app.syncStatus = 'OutOfSync';
  }

  private find(name: string): SimApplication | SimResponse {
    const app = this.apps.get(name);
    if (!app) return argoError(404, GRPC.NOT_FOUND, `applications.argoproj.io "${name}" not found`);
    this.settle(app);
    return app;
  }

  private get(req: SimRequest): SimResponse {
    const app = this.find(req.params.name!);
    if (!('name' in app)) return app;
    return { body: applicationJson(app) };
  }

  private sync(req: SimRequest): SimResponse {
    const app = this.find(req.params.name!);
    if (!('name' in app)) return app;
    const body = (req.json ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) return argoError(400, GRPC.INVALID_ARGUMENT, 'sync request body must be a JSON object');
    for (const [field, type] of [['revision', 'string'], ['prune', 'boolean'], ['dryRun', 'boolean']] as const) {
      if (body[field] !== undefined && typeof body[field] !== type) {
        return argoError(400, GRPC.INVALID_ARGUMENT, `json: cannot unmarshal ${typeof body[field]} into Go struct field ApplicationSyncRequest.${field} of type ${type === 'boolean' ? 'bool' : 'string'}`);
      }
    }
    if (body.name !== undefined && body.name !== app.name) {
      return argoError(400, GRPC.INVALID_ARGUMENT, `application name in the body ("${String(body.name)}") does not match the path ("${app.name}")`);
    }
    if (app.operation) return argoError(400, GRPC.FAILED_PRECONDITION, 'another operation is already in progress');

    const now = this.ctx.clock.now();
    const revision = (body.revision as string | undefined) || app.headRevision;
    const dryRun = body.dryRun === true;
    const prune = body.prune === true;
    app.operation = {
      revision, prune, dryRun, startedAt: now.toISOString(),
      completesAtMs: now.getTime() + this.ctx.operationDurationMs,
      outcome: app.nextSyncOutcome, healthBefore: app.health,
    };
    app.nextSyncOutcome = 'succeed';
    app.operationState = { phase: 'Running', message: 'waiting for completion of hook and other resources', startedAt: now.toISOString(), revision, dryRun, prune };
    if (!dryRun) {
      app.health = 'Progressing';
      app.healthMessage = undefined;
      if (revision !== app.syncedRevision) app.syncStatus = 'OutOfSync';
    }
    this.settle(app);
    return { body: applicationJson(app) };
  }

  /**
   * ApplicationService.UpdateSpec: the body is the whole ApplicationSpec. Only source.helm is
   * taken from it (the sim keeps repo, path and destination). The stack's apps sync
   * automatically, so the parameters are live at once (`liveParameters`), as system metrics see.
   */
  private updateSpec(req: SimRequest): SimResponse {
    const app = this.find(req.params.name!);
    if (!('name' in app)) return app;
    const body = req.json as { source?: { helm?: { parameters?: unknown } } } | undefined;
    if (!body || typeof body !== 'object' || !body.source || typeof body.source !== 'object') {
      return argoError(400, GRPC.INVALID_ARGUMENT, 'spec.source is required');
    }
    const raw = body.source.helm?.parameters ?? [];
    if (!Array.isArray(raw) || raw.some((p) => !p || typeof p !== 'object' || typeof (p as { name?: unknown }).name !== 'string' || typeof (p as { value?: unknown }).value !== 'string')) {
      return argoError(400, GRPC.INVALID_ARGUMENT, 'json: spec.source.helm.parameters must be a list of {name: string, value: string}');
    }
    // Only the Helm parameters are modelled: a spec that moves the app elsewhere would be dropped.
    const b = body as { project?: unknown; source: Record<string, unknown>; destination?: Record<string, unknown> };
    const moved = [
      ['project', b.project, app.project], ['source.repoURL', b.source.repoURL, app.source.repoURL], ['source.path', b.source.path, app.source.path],
      ['source.targetRevision', b.source.targetRevision, app.source.targetRevision],
      ['destination.server', b.destination?.server, app.destination.server], ['destination.namespace', b.destination?.namespace, app.destination.namespace],
    ].find(([, sent, current]) => sent !== undefined && sent !== current);
    if (moved) throw unimplemented(`changing ${String(moved[0])} through argocd.applications.updateSpec; only source.helm.parameters are modelled.`);
    const parameters = (raw as Array<{ name: string; value: string }>).map((p) => ({ name: p.name, value: p.value }));
    app.source = { ...app.source, helm: { parameters } };
    return { body: { project: app.project, source: app.source, destination: app.destination } };
  }

  /** Simulator-only: the Helm parameter a running app has (its override, else undefined). */
  liveParameter(name: string, parameter: string): string | undefined {
    return this.apps.get(name)?.source.helm?.parameters.find((p) => p.name === parameter)?.value;
  }

  private control(req: SimRequest): SimResponse {
    const app = this.find(req.params.name!);
    if (!('name' in app)) return app;
    const body = (req.json ?? {}) as { nextSync?: unknown; headRevision?: unknown };
    if (body.nextSync === undefined && body.headRevision === undefined) {
      return argoError(400, GRPC.INVALID_ARGUMENT, '__sim needs {nextSync: "succeed"|"fail"|"degrade"} and/or {headRevision: "<sha>"}');
    }
    if (body.nextSync !== undefined) {
      if (!OUTCOMES.includes(body.nextSync as SimSyncOutcome)) return argoError(400, GRPC.INVALID_ARGUMENT, `__sim nextSync must be one of ${OUTCOMES.join(', ')}, got ${JSON.stringify(body.nextSync)}`);
      this.setNextSyncOutcome(app.name, body.nextSync as SimSyncOutcome);
    }
    if (body.headRevision !== undefined) {
      if (typeof body.headRevision !== 'string' || body.headRevision === '') return argoError(400, GRPC.INVALID_ARGUMENT, '__sim headRevision must be a non-empty string');
      this.setHeadRevision(app.name, body.headRevision);
    }
    return { body: { nextSync: app.nextSyncOutcome, headRevision: app.headRevision } };
  }

  /** Completes a running sync once its time has come (state is derived from the clock on access). */
  private settle(app: SimApplication): void {
    const op = app.operation;
    if (!op || this.ctx.clock.now().getTime() < op.completesAtMs) return;
    const finishedAt = new Date(op.completesAtMs).toISOString();
    app.operation = undefined;
    const state = app.operationState!;
    state.finishedAt = finishedAt;
    if (op.dryRun) {
      state.phase = 'Succeeded';
      state.message = 'successfully synced (dry run)';
      app.health = op.healthBefore as SimApplication['health'];
      return;
    }
    if (op.outcome === 'fail') {
      state.phase = 'Failed';
      state.message = `one or more objects failed to apply, reason: Deployment.apps "${app.name}" is invalid: spec.template.spec.containers[0].image: Required value`;
      app.syncStatus = 'OutOfSync';
      app.health = 'Degraded';
      app.healthMessage = `Deployment "${app.name}" exceeded its progress deadline`;
      return;
    }
    state.phase = 'Succeeded';
    state.message = 'successfully synced (all tasks run)';
    app.syncStatus = op.revision === app.headRevision || app.source.targetRevision !== 'HEAD' ? 'Synced' : 'OutOfSync';
    app.syncedRevision = op.revision;
    app.health = op.outcome === 'degrade' ? 'Degraded' : 'Healthy';
    app.healthMessage = op.outcome === 'degrade' ? `Deployment "${app.name}" exceeded its progress deadline` : undefined;
    const nextId = (app.history.at(-1)?.id ?? -1) + 1;
    app.history.push({ id: nextId, revision: op.revision, deployStartedAt: op.startedAt, deployedAt: finishedAt, source: app.source });
    if (app.history.length > HISTORY_LIMIT) app.history.splice(0, app.history.length - HISTORY_LIMIT);
  }

  snapshot(): unknown {
    return { applications: [...this.apps.values()] };
  }

  restore(snapshot: unknown): void {
    const list = (snapshot as { applications?: SimApplication[] })?.applications;
    if (Array.isArray(list)) this.apps = new Map(list.map((a) => [a.name, a]));
  }

  summary(): Record<string, number> {
    let syncing = 0;
    if (!this.ctx) return { applications: this.apps.size, syncing };
    for (const app of this.apps.values()) {
      this.settle(app);
      if (app.operation) syncing++;
    }
    return { applications: this.apps.size, syncing };
  }
}
