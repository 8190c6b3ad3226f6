/**
 * ExecutionBackend on the local workflow engine: executions run in-process in a
 * WorkflowExecutionManager; a workflow `w` is deployed from `<workflowsDir>/w.yaml` (or .yml)
 * on first use and redeployed when the file changes, the way Terraform deploys the same files.
 * Unless told otherwise, the engine runs on the hosting gcp-sim's clock and its `googleapis.*`
 * connectors call that same gcp-sim (with the local stack's fake token).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_TOKEN } from '../../../../adapters/local/local-auth.ts';
import { WorkflowExecutionManager, WorkflowValidationError, type ExecutionRecord, type ManagerOptions } from '../../../workflow-engine/index.ts';
import { ExecutionBackendError, type BackendCallback, type BackendContext, type BackendExecution, type CreateExecutionInput, type ExecutionBackend, type WorkflowRef } from './backend.ts';

export interface EngineBackendOptions extends ManagerOptions {
  /** Directory holding `<workflow>.yaml`; default `workflows` under the working directory. */
  workflowsDir?: string;
  /** Real-time bound on waiting for a cancelled execution to stop (it stops at its next step or wait). */
  cancelWaitMs?: number;
  /** Execution environment that depends on the hosting sim's URL (known only once it listens). */
  envFor?: (baseUrl: string) => Record<string, string>;
}

interface Deployed { mtimeMs: number; revisionId: string }

const WORKFLOW_ID = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;

export class EngineExecutionBackend implements ExecutionBackend {
  private engine?: WorkflowExecutionManager;
  private host?: BackendContext;
  private readonly dir: string;
  private readonly deployed = new Map<string, Deployed>();
  private readonly revisions = new Map<string, string>();
  /** The argument text exactly as the caller sent it, per execution id. */
  private readonly argumentTexts = new Map<string, string>();

  constructor(private readonly options: EngineBackendOptions = {}) {
    this.dir = options.workflowsDir ?? 'workflows';
  }

  attach(ctx: BackendContext): void {
    this.host = ctx;
  }

  /** The engine's manager, made on first use so it can pick up the hosting sim's clock and URL. */
  get manager(): WorkflowExecutionManager {
    if (!this.engine) {
      const host = this.host;
      this.engine = new WorkflowExecutionManager({
        ...this.options,
        env: { ...(host && this.options.envFor ? this.options.envFor(host.baseUrl()) : {}), ...this.options.env },
        clock: this.options.clock ?? host?.clock,
        connectorBaseUrl: this.options.connectorBaseUrl ?? host?.baseUrl(),
        tokenProvider: this.options.tokenProvider ?? (host ? async () => LOCAL_TOKEN : undefined),
      });
    }
    return this.engine;
  }

  async create(ref: WorkflowRef, input: CreateExecutionInput): Promise<BackendExecution> {
    const revisionId = this.deploy(ref);
    const record = this.manager.create(ref.workflow, input.argument);
    this.revisions.set(record.id, revisionId);
    if (input.argumentJson !== undefined) this.argumentTexts.set(record.id, input.argumentJson);
    return this.toBackend(record);
  }

  async get(ref: WorkflowRef, id: string): Promise<BackendExecution | undefined> {
    const record = this.manager.get(id);
    return record && record.workflowId === ref.workflow ? this.toBackend(record) : undefined;
  }

  async list(ref: WorkflowRef): Promise<BackendExecution[]> {
    return this.manager.list(ref.workflow).map((r) => this.toBackend(r));
  }

  async cancel(ref: WorkflowRef, id: string): Promise<BackendExecution | undefined> {
    const record = this.manager.get(id);
    if (!record || record.workflowId !== ref.workflow) return undefined;
    this.manager.cancel(id);
    // The API answers with the cancelled execution; the run stops at its next step, which is soon.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.manager.wait(id),
      new Promise((resolve) => { timer = setTimeout(resolve, this.options.cancelWaitMs ?? 5000); }),
    ]).finally(() => clearTimeout(timer));
    return this.toBackend(record);
  }

  async listCallbacks(ref: WorkflowRef, id: string): Promise<BackendCallback[] | undefined> {
    const record = this.manager.get(id);
    if (!record || record.workflowId !== ref.workflow) return undefined;
    return this.manager.listCallbacks(id);
  }

  /** Callback URLs are served by the engine's callback server; the API's URL for a callback forwards there. */
  async sendCallback(ref: WorkflowRef, id: string, callback: string, request: { body: Buffer; contentType?: string }): Promise<{ status: number; body: string } | undefined> {
    const known = (await this.listCallbacks(ref, id))?.find((c) => c.name.endsWith(`/callbacks/${callback}`));
    const base = this.manager.callbackBaseUrl;
    if (!known || !base) return undefined;
    const response = await fetch(`${base}/v1/${known.name}`, {
      method: known.method,
      headers: request.contentType ? { 'content-type': request.contentType } : {},
      body: known.method === 'GET' || known.method === 'HEAD' ? undefined : new Uint8Array(request.body),
    });
    return { status: response.status, body: await response.text() };
  }

  summary(): Record<string, number> {
    const all = this.engine?.list() ?? [];
    return { workflows: this.deployed.size, executions: all.length, active: all.filter((r) => r.state === 'ACTIVE').length };
  }

  async close(): Promise<void> {
    await this.engine?.close();
  }

  private deploy(ref: WorkflowRef): string {
    if (!WORKFLOW_ID.test(ref.workflow)) throw new ExecutionBackendError('INVALID_ARGUMENT', `Invalid workflow id "${ref.workflow}".`);
    const file = ['yaml', 'yml'].map((ext) => join(this.dir, `${ref.workflow}.${ext}`)).find((f) => existsSync(f));
    const name = `projects/${ref.project}/locations/${ref.location}/workflows/${ref.workflow}`;
    if (!file) throw new ExecutionBackendError('NOT_FOUND', `Resource '${name}' was not found (no ${join(this.dir, ref.workflow)}.yaml in the local stack).`);
    const mtimeMs = statSync(file).mtimeMs;
    const current = this.deployed.get(ref.workflow);
    if (current && current.mtimeMs === mtimeMs && this.manager.hasWorkflow(ref.workflow)) return current.revisionId;
    const source = readFileSync(file, 'utf8');
    try {
      this.manager.deploy(ref.workflow, source);
    } catch (err) {
      if (err instanceof WorkflowValidationError) throw new ExecutionBackendError('FAILED_PRECONDITION', `Workflow ${name} (${file}) is not valid: ${err.message}`);
      throw err;
    }
    const revisionId = `${String((current ? Number(current.revisionId.slice(0, 6)) : 0) + 1).padStart(6, '0')}-${createHash('sha256').update(source).digest('hex').slice(0, 3)}`;
    this.deployed.set(ref.workflow, { mtimeMs, revisionId });
    return revisionId;
  }

  private toBackend(r: ExecutionRecord): BackendExecution {
    const argument = this.argumentTexts.get(r.id);
    return {
      id: r.id,
      state: r.state,
      ...(argument !== undefined ? { argument } : {}),
      ...(r.result !== undefined ? { result: r.result } : {}),
      ...(r.error ? { error: { payload: r.error.payload, context: r.error.context } } : {}),
      startTime: new Date(r.startTime),
      ...(r.endTime ? { endTime: new Date(r.endTime) } : {}),
      workflowRevisionId: this.revisions.get(r.id),
    };
  }
}
