/**
 * One execution of a loaded workflow: wires the clock, fetch, environment, callbacks and connectors into the
 * interpreter, and turns the outcome into an ExecutionResult ({state, result | error, history, logs}). Whatever
 * goes wrong inside, the caller gets a result, never a raw JavaScript exception.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.ts';
import { systemClock } from '../../runtime/system-clock.ts';
import { createBuiltins } from './builtins/index.ts';
import { CallbackHost } from './builtins/callback-host.ts';
import type { BuiltinContext, ExecutionIdentity } from './builtins/types.ts';
import { callConnector, connectorParamOrder } from './connectors/index.ts';
import { tagged, toWorkflowError, WorkflowError } from './errors.ts';
import { errorOrigin, ExecutionCancelled } from './flow.ts';
import { History, type LogEntry, type StepRecord } from './history.ts';
import { Interpreter } from './interpreter.ts';
import type { WorkflowProgram } from './model.ts';
import { fromJs, sizeInBytes, toJs, toJsonText, type WfValue } from './values.ts';

export interface RunOptions {
  /** Time source for sys.now, sys.sleep, retry backoff, polling and callback timeouts (default: real time). */
  clock?: Clock;
  /** User-defined environment variables for sys.get_env. */
  env?: Record<string, string>;
  /** Where `googleapis.*` connectors send requests, e.g. gcp-sim's http://127.0.0.1:PORT (default: the real APIs). */
  connectorBaseUrl?: string;
  /** Bearer token source for connectors against the real APIs. */
  tokenProvider?: () => Promise<string>;
  /** The fetch used by http.* and connectors (tests inject one to redirect hosts to loopback servers). */
  fetch?: typeof fetch;
  /** A shared callback server; by default each execution starts its own on first use and closes it at the end. */
  callbackHost?: CallbackHost;
  /** Called after each step with its history record. */
  onStep?: (record: StepRecord) => void;
  /** Called with each sys.log entry as it is written (the entries are also in the result's `logs`). */
  onLog?: (entry: LogEntry) => void;
  signal?: AbortSignal;
  /** Overrides of the built-in GOOGLE_CLOUD_* identity. */
  identity?: Partial<ExecutionIdentity>;
  /** History records kept (the most recent ones). */
  historyLimit?: number;
  /**
   * Service Directory services (projects/P/locations/L/namespaces/N/services/S) and the origin
   * each one's endpoint answers on, for http.* calls with `private_service_name` (default: none,
   * and such calls go to their URL as written).
   */
  privateServices?: Record<string, string>;
}

export interface ExecutionError {
  /** The error value as JSON text, like the Workflows API's error.payload. */
  payload: string;
  /** Where it was raised. */
  context: string;
  tags?: string[];
}

export type ExecutionOutcome =
  | { state: 'SUCCEEDED'; result: unknown }
  | { state: 'FAILED'; error: ExecutionError }
  | { state: 'CANCELLED' };

export type ExecutionResult = ExecutionOutcome & {
  /** The result as a workflow value (ints stay bigint), when SUCCEEDED. */
  value?: WfValue;
  /** The raised value, when FAILED. */
  errorValue?: WfValue;
  executionId: string;
  startTime: string;
  endTime: string;
  stepsExecuted: number;
  history: StepRecord[];
  logs: LogEntry[];
};

const MAX_LOG_ENTRIES = 10_000;

export function defaultIdentity(program: WorkflowProgram, overrides: Partial<ExecutionIdentity> = {}): ExecutionIdentity {
  const workflowId = program.sourceName.replace(/^.*[\\/]/, '').replace(/\.(workflows\.)?(ya?ml|json)$/i, '') || 'workflow';
  return {
    projectId: 'local-project',
    projectNumber: '123456789012',
    location: 'us-central1',
    workflowId,
    revisionId: '000001-local',
    executionId: randomUUID(),
    ...overrides,
  };
}

export async function runWorkflow(program: WorkflowProgram, argument: unknown = null, options: RunOptions = {}): Promise<ExecutionResult> {
  const clock = options.clock ?? systemClock;
  const identity = defaultIdentity(program, options.identity);
  const startTime = clock.now().toISOString();
  const logs: LogEntry[] = [];
  const history = new History(options.historyLimit);
  let ownHost: CallbackHost | undefined;
  const env = new Map<string, string>(Object.entries(options.env ?? {}));
  for (const [k, v] of Object.entries({
    GOOGLE_CLOUD_PROJECT_ID: identity.projectId,
    GOOGLE_CLOUD_PROJECT_NUMBER: identity.projectNumber,
    GOOGLE_CLOUD_LOCATION: identity.location,
    GOOGLE_CLOUD_WORKFLOW_ID: identity.workflowId,
    GOOGLE_CLOUD_WORKFLOW_REVISION_ID: identity.revisionId,
    GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID: identity.executionId,
    GOOGLE_CLOUD_SERVICE_ACCOUNT_NAME: `projects/${identity.projectId}/serviceAccounts/workflows@${identity.projectId}.iam.gserviceaccount.com`,
  })) env.set(k, v);

  const ctx: BuiltinContext = {
    clock,
    fetch: options.fetch ?? fetch,
    limits: program.limits,
    identity,
    env,
    log: (severity, payload) => {
      const entry: LogEntry = { time: clock.now().toISOString(), severity, payload: toJs(payload) };
      if (logs.length < MAX_LOG_ENTRIES) logs.push(entry);
      options.onLog?.(entry);
    },
    callbacks: async () => {
      if (options.callbackHost) {
        await options.callbackHost.start();
        return options.callbackHost;
      }
      ownHost ??= new CallbackHost(() => clock.now());
      await ownHost.start();
      return ownHost;
    },
    connectorBaseUrl: options.connectorBaseUrl,
    tokenProvider: options.tokenProvider,
    signal: options.signal,
    privateServices: options.privateServices ? new Map(Object.entries(options.privateServices)) : undefined,
  };
  // Builtins sleep through the interpreter (so cancellation interrupts them); it exists by the time they run.
  const holder: { interp?: Interpreter } = {};
  const sleep = (seconds: number): Promise<void> => (holder.interp as Interpreter).sleep(seconds);
  const interp = new Interpreter(program, ctx, {
    builtins: createBuiltins(sleep),
    connector: (name, args) => callConnector(name, args, ctx, sleep),
    connectorParams: connectorParamOrder,
    history,
    onStep: options.onStep,
    signal: options.signal,
  });
  holder.interp = interp;

  const finish = (outcome: ExecutionOutcome, extra: { value?: WfValue; errorValue?: WfValue } = {}): ExecutionResult => ({
    ...outcome,
    ...extra,
    executionId: identity.executionId,
    startTime,
    endTime: clock.now().toISOString(),
    stepsExecuted: interp.steps,
    history: history.records,
    logs,
  });

  try {
    let arg: WfValue;
    try {
      arg = fromJs(argument);
    } catch (err) {
      throw toWorkflowError(err);
    }
    if (sizeInBytes(arg) > program.limits.maxArgumentBytes) {
      throw tagged('ResourceLimitError', `the execution argument is larger than the ${program.limits.maxArgumentBytes}-byte limit`);
    }
    const value = await interp.run(arg);
    interp.checkResultSize(value);
    checkReturnable(value);
    return finish({ state: 'SUCCEEDED', result: toJs(value) }, { value });
  } catch (raw) {
    if (raw instanceof ExecutionCancelled) return finish({ state: 'CANCELLED' });
    const err = raw instanceof WorkflowError ? raw : toWorkflowError(raw);
    return finish({ state: 'FAILED', error: describeFailure(err) }, { errorValue: err.value });
  } finally {
    await ownHost?.close();
  }
}

/**
 * "Bytes can't be returned by a workflow as they can't be JSON-encoded" (Data types reference, Returning bytes);
 * the result is refused with the error json.encode gives for them (the reference names no tag for this case), as
 * are NaN and the infinities, which JSON cannot carry either. Base64 is the explicit way out (base64.encode).
 */
function checkReturnable(value: WfValue): void {
  try {
    toJsonText(value);
  } catch (err) {
    const e = toWorkflowError(err);
    throw tagged(e.tags[0] ?? 'ValueError', `the workflow result cannot be returned: ${e.message.replace(/^\w+: /, '')}`);
  }
}

export function describeFailure(err: WorkflowError): ExecutionError {
  let payload: string;
  try {
    payload = toJsonText(err.value);
  } catch {
    payload = JSON.stringify(err.message);
  }
  const origin = errorOrigin.get(err);
  // WorkflowError's message already leads with the first tag; a raised non-map value gets Google's RuntimeError.
  const head = err.tags.length ? err.message : `RuntimeError: ${err.message}`;
  const context = origin ? `${head}\nin step "${origin.step}", routine "${origin.routine}"` : head;
  const out: ExecutionError = { payload, context };
  if (err.tags.length) out.tags = err.tags;
  return out;
}
