/**
 * Workflow Executions v1 (https://cloud.google.com/workflows/docs/reference/executions/rest):
 * executions create/get/list/cancel. The REST surface lives here; running workflows is the
 * job of an injected ExecutionBackend (the local workflow engine). Without one, every call is
 * answered 501 UNIMPLEMENTED, saying so.
 */
import type { Router, SimRequest, SimResponse } from '../router.ts';
import type { SimContext, SimService } from '../service.ts';
import { invalid, notFound, SimError } from '../errors.ts';
import { wantsIntEnums } from './monitoring/enum-encoding.ts';
import { pageSize, paginate } from './monitoring/page-token.ts';
import { ExecutionBackendError, type ExecutionBackend, type WorkflowRef } from './workflowexecutions/backend.ts';
import { CALL_LOG_LEVEL, EXECUTION_VIEW, executionJson, executionName } from './workflowexecutions/wire.ts';

export type { ExecutionBackend } from './workflowexecutions/backend.ts';

const PARENT = '/v1/projects/{project}/locations/{location}/workflows/{workflow}/executions';
/** "The size limit is 32KB" (Execution.argument). */
const MAX_ARGUMENT_BYTES = 32 * 1024;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = { BASIC: 10_000, FULL: 100 } as const;
const ID = /^[a-zA-Z0-9_-]+$/;

export class WorkflowExecutionsSim implements SimService {
  readonly name = 'workflowexecutions';
  private readonly callLogLevels = new Map<string, string>();

  constructor(private readonly backend?: ExecutionBackend) {}

  async close(): Promise<void> {
    await (this.backend as Partial<{ close(): Promise<void> }> | undefined)?.close?.();
  }

  register(router: Router, ctx: SimContext): void {
    this.backend?.attach?.({ clock: ctx.clock, baseUrl: () => ctx.baseUrl() });
    router.add('POST', PARENT, 'workflowexecutions.projects.locations.workflows.executions.create', (req) => this.guard(req, () => this.create(req)), { body: { argument: true, labels: true, callLogLevel: true, name: true } });
    router.add('GET', PARENT, 'workflowexecutions.projects.locations.workflows.executions.list', (req) => this.guard(req, () => this.list(req)), { query: ['view', 'pageSize', 'pageToken'] });
    router.add('GET', `${PARENT}/{execution}`, 'workflowexecutions.projects.locations.workflows.executions.get', (req) => this.guard(req, () => this.get(req)), { query: ['view'] });
    router.add('POST', `${PARENT}/{execution}:cancel`, 'workflowexecutions.projects.locations.workflows.executions.cancel', (req) => this.guard(req, () => this.cancel(req)), { body: { name: true } });
    router.add('GET', `${PARENT}/{execution}/callbacks`, 'workflowexecutions.projects.locations.workflows.executions.callbacks.list', (req) => this.guard(req, () => this.listCallbacks(req)), { query: ['pageSize', 'pageToken'] });
    router.add('POST', `${PARENT}/{execution}/callbacks/{callback}`, 'workflowexecutions.projects.locations.workflows.executions.callbacks.send', (req) => this.guard(req, () => this.sendCallback(req)), { rawBody: true });
  }

  private async guard(req: SimRequest, handle: () => Promise<SimResponse>): Promise<SimResponse> {
    if (!this.backend) {
      throw new SimError(501, `gcp-sim has no workflow engine attached: ${req.method} ${req.path} (Workflow Executions) is not available in this gcp-sim. Start it with a WorkflowExecutionsSim backend.`, 'UNIMPLEMENTED');
    }
    try {
      return await handle();
    } catch (err) {
      if (err instanceof ExecutionBackendError) {
        throw new SimError(err.kind === 'NOT_FOUND' ? 404 : 400, err.message, err.kind);
      }
      throw err;
    }
  }

  private ref(req: SimRequest): WorkflowRef {
    const { project, location, workflow } = req.params as Record<string, string>;
    return { project: project!, location: location!, workflow: workflow! };
  }

  private async create(req: SimRequest): Promise<SimResponse> {
    const ref = this.ref(req);
    // createExecution({parent}) without an execution: google-gax's REST transport sends the empty
    // message as the JSON string "", which Workflow Executions takes as an execution without argument.
    const body = (req.json === undefined || req.json === null || req.json === '' ? {} : req.json) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw invalid('The request body must be an Execution object.');
    let argument: unknown = null;
    let argumentJson: string | undefined;
    if (body.argument !== undefined && body.argument !== '') {
      if (typeof body.argument !== 'string') throw invalid(`Invalid value at 'execution.argument' (TYPE_STRING): the argument must be a JSON-encoded string, got ${typeof body.argument}.`);
      if (Buffer.byteLength(body.argument) > MAX_ARGUMENT_BYTES) throw invalid(`execution.argument is ${Buffer.byteLength(body.argument)} bytes; the size limit is 32KB.`);
      try { argument = JSON.parse(body.argument); } catch (err) {
        throw invalid(`execution.argument is not valid JSON: ${(err as Error).message}`);
      }
      argumentJson = body.argument;
    }
    const labels = parseLabels(body.labels);
    const callLogLevel = CALL_LOG_LEVEL.parse(body.callLogLevel, 'execution.call_log_level') ?? 'CALL_LOG_LEVEL_UNSPECIFIED';
    const created = await this.backend!.create(ref, { argument, argumentJson, labels, callLogLevel });
    this.callLogLevels.set(executionName(ref, created.id), callLogLevel);
    return { body: this.json(ref, created, 'FULL', req) };
  }

  private async get(req: SimRequest): Promise<SimResponse> {
    const ref = this.ref(req);
    const id = this.executionId(req);
    const view = this.view(req, 'FULL');
    const found = await this.backend!.get(ref, id);
    if (!found) throw notFound(`Execution ${executionName(ref, id)}`);
    return { body: this.json(ref, found, view, req) };
  }

  private async list(req: SimRequest): Promise<SimResponse> {
    const ref = this.ref(req);
    const view = this.view(req, 'BASIC');
    const all = (await this.backend!.list(ref)).sort((a, b) => b.startTime.getTime() - a.startTime.getTime() || b.id.localeCompare(a.id));
    const size = pageSize(req.query.get('pageSize'), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE[view]);
    const { page, nextPageToken } = paginate(all, req.query.get('pageToken'), size, JSON.stringify([ref, view]));
    return { body: { executions: page.map((e) => this.json(ref, e, view, req)), ...(nextPageToken ? { nextPageToken } : {}) } };
  }

  private async cancel(req: SimRequest): Promise<SimResponse> {
    const ref = this.ref(req);
    const id = this.executionId(req);
    const current = await this.backend!.get(ref, id);
    if (!current) throw notFound(`Execution ${executionName(ref, id)}`);
    if (current.state !== 'ACTIVE' && current.state !== 'QUEUED') {
      throw new SimError(400, `Execution ${executionName(ref, id)} is in state ${current.state}; only an active execution can be cancelled.`, 'FAILED_PRECONDITION');
    }
    const cancelled = await this.backend!.cancel(ref, id);
    if (!cancelled) throw notFound(`Execution ${executionName(ref, id)}`);
    return { body: this.json(ref, cancelled, 'FULL', req) };
  }

  /** callbacks.list: "active callbacks that belong to the execution … ordered by callback ID"; waiters is an int64 (a string). */
  private async listCallbacks(req: SimRequest): Promise<SimResponse> {
    const ref = this.ref(req);
    const id = this.executionId(req);
    if (!this.backend!.listCallbacks) throw new SimError(501, 'this gcp-sim workflow backend does not list callbacks.', 'UNIMPLEMENTED');
    const callbacks = await this.backend!.listCallbacks(ref, id);
    if (!callbacks) throw notFound(`Execution ${executionName(ref, id)}`);
    const size = pageSize(req.query.get('pageSize'), 100, 100);
    const { page, nextPageToken } = paginate(callbacks, req.query.get('pageToken'), size, JSON.stringify([ref, id, 'callbacks']));
    return {
      body: {
        callbacks: page.map((c) => ({ name: c.name, method: c.method, waiters: String(c.waiters), ...(c.availablePayloads.length ? { availablePayloads: c.availablePayloads } : {}) })),
        ...(nextPageToken ? { nextPageToken } : {}),
      },
    };
  }

  /** A callback's URL on the API endpoint (as in Cloud Workflows), forwarded to the engine's callback server. */
  private async sendCallback(req: SimRequest): Promise<SimResponse> {
    const ref = this.ref(req);
    const id = this.executionId(req);
    const callback = req.params.callback!;
    if (!ID.test(callback)) throw invalid(`Invalid callback id "${callback}".`);
    if (!this.backend!.sendCallback) throw new SimError(501, 'this gcp-sim workflow backend does not accept callbacks.', 'UNIMPLEMENTED');
    const sent = await this.backend!.sendCallback(ref, id, callback, { body: req.body, contentType: req.headers['content-type'] });
    if (!sent) throw notFound(`Callback ${executionName(ref, id)}/callbacks/${callback}`);
    return { status: sent.status, raw: Buffer.from(sent.body), headers: { 'content-type': 'application/json' } };
  }

  private executionId(req: SimRequest): string {
    const id = req.params.execution!;
    if (!ID.test(id)) throw invalid(`Invalid execution id "${id}".`);
    return id;
  }

  private view(req: SimRequest, fallback: 'BASIC' | 'FULL'): 'BASIC' | 'FULL' {
    const v = EXECUTION_VIEW.parse(req.query.get('view') ?? undefined, 'view');
    return !v || v === 'EXECUTION_VIEW_UNSPECIFIED' ? fallback : v;
  }

  private json(ref: WorkflowRef, e: Parameters<typeof executionJson>[1], view: 'BASIC' | 'FULL', req: SimRequest): Record<string, unknown> {
    return executionJson(ref, e, view, wantsIntEnums(req), this.callLogLevels.get(executionName(ref, e.id)));
  }

  snapshot(): unknown {
    return { backend: this.backend ? 'attached' : 'none' };
  }

  summary(): Record<string, number> {
    return this.backend?.summary?.() ?? {};
  }
}

/** Execution.labels: a map of string to string. */
function parseLabels(raw: unknown): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid("Invalid value at 'execution.labels': expected a map of string to string.");
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') throw invalid(`Invalid value at 'execution.labels[${JSON.stringify(k)}]' (TYPE_STRING), ${JSON.stringify(v)}`);
  }
  return raw as Record<string, string>;
}
