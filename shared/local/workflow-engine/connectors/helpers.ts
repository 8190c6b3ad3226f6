/**
 * Connector helper methods that have no REST counterpart of the same shape:
 * - secretmanager.v1.projects.secrets.versions.accessString(secret_id, version = "latest", project_id) → the
 *   payload decoded as UTF-8 text (ValueError when it is not valid UTF-8);
 * - secretmanager.v1.projects.secrets.addVersionString(secret_id, data, project_id) → the new SecretVersion;
 * - workflowexecutions.v1.projects.locations.workflows.executions.run(workflow_id, argument, location,
 *   project_id) → creates an execution, waits for it on the injected clock, returns its result (or raises
 *   OperationError carrying the execution when it fails or is cancelled).
 * project_id and location default to the execution's GOOGLE_CLOUD_PROJECT_ID / GOOGLE_CLOUD_LOCATION.
 */
import { tagged } from '../errors.ts';
import type { BuiltinContext } from '../builtins/types.ts';
import { fromJsonText, isMap, newMap, toJsonText, typeName, type WfValue } from '../values.ts';
import { CONNECTOR_METHODS, type ConnectorMethod } from './catalog.ts';
import type { ConnectorParams, Sleeper } from './index.ts';

export interface HelperTools {
  ctx: BuiltinContext;
  sleep: Sleeper;
  cp: ConnectorParams;
  request(m: ConnectorMethod, args: ReadonlyMap<string, WfValue>): Promise<WfValue>;
  poll(m: ConnectorMethod, args: ReadonlyMap<string, WfValue>, first: WfValue): Promise<WfValue>;
}

export interface ConnectorHelper {
  params: readonly string[];
  call(args: ReadonlyMap<string, WfValue>, tools: HelperTools): Promise<WfValue>;
}

function str(args: ReadonlyMap<string, WfValue>, key: string, fn: string, fallback?: string): string {
  const v = args.get(key);
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw tagged('TypeError', `${fn}: missing required argument "${key}"`);
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  throw tagged('TypeError', `${fn}: argument "${key}" must be a string, got ${typeName(v)}`);
}

function method(name: string): ConnectorMethod {
  return CONNECTOR_METHODS.get(`googleapis.${name}`) as ConnectorMethod;
}

const ACCESS_STRING = 'googleapis.secretmanager.v1.projects.secrets.versions.accessString';
const ADD_VERSION_STRING = 'googleapis.secretmanager.v1.projects.secrets.addVersionString';
const RUN = 'googleapis.workflowexecutions.v1.projects.locations.workflows.executions.run';

const helpers = new Map<string, ConnectorHelper>();

helpers.set(ACCESS_STRING, {
  params: ['secret_id', 'version', 'project_id', 'connector_params'],
  async call(args, t) {
    const project = str(args, 'project_id', ACCESS_STRING, t.ctx.identity.projectId);
    const name = `projects/${project}/secrets/${str(args, 'secret_id', ACCESS_STRING)}/versions/${str(args, 'version', ACCESS_STRING, 'latest')}`;
    const res = await t.request(method('secretmanager.v1.projects.secrets.versions.access'), new Map([['name', name]]));
    const data = isMap(res) && isMap(res.payload) ? res.payload.data : undefined;
    if (typeof data !== 'string') throw tagged('ValueError', `${ACCESS_STRING}: the response has no payload.data`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(data, 'base64'));
    } catch {
      throw tagged('ValueError', `${ACCESS_STRING}: the secret data of ${name} is not valid UTF-8`);
    }
  },
});

helpers.set(ADD_VERSION_STRING, {
  params: ['secret_id', 'data', 'project_id', 'connector_params'],
  async call(args, t) {
    const project = str(args, 'project_id', ADD_VERSION_STRING, t.ctx.identity.projectId);
    const payload = newMap();
    payload.data = Buffer.from(str(args, 'data', ADD_VERSION_STRING), 'utf8').toString('base64');
    const body = newMap();
    body.payload = payload;
    return t.request(method('secretmanager.v1.projects.secrets.addVersion'), new Map<string, WfValue>([
      ['parent', `projects/${project}/secrets/${str(args, 'secret_id', ADD_VERSION_STRING)}`], ['body', body],
    ]));
  },
});

const FINAL_STATES = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

helpers.set(RUN, {
  params: ['workflow_id', 'argument', 'location', 'project_id', 'connector_params'],
  async call(args, t) {
    const project = str(args, 'project_id', RUN, t.ctx.identity.projectId);
    const location = str(args, 'location', RUN, t.ctx.identity.location);
    const parent = `projects/${project}/locations/${location}/workflows/${str(args, 'workflow_id', RUN)}`;
    const body = newMap();
    const argument = args.get('argument');
    if (argument !== undefined && argument !== null) body.argument = toJsonText(argument);
    let execution = await t.request(method('workflowexecutions.v1.projects.locations.workflows.executions.create'), new Map<string, WfValue>([['parent', parent], ['body', body]]));
    const getter = method('workflowexecutions.v1.projects.locations.workflows.executions.get');
    const deadline = t.ctx.clock.now().getTime() + t.cp.timeoutSeconds * 1000;
    let delay = t.cp.initialDelay;
    while (isMap(execution) && !FINAL_STATES.has(String(execution.state))) {
      const now = t.ctx.clock.now().getTime();
      if (now >= deadline) {
        const extra = newMap();
        extra.operation = execution;
        throw tagged('TimeoutError', `${RUN}: execution did not finish within ${t.cp.timeoutSeconds} seconds`, extra);
      }
      await t.sleep(Math.min(delay, (deadline - now) / 1000));
      delay = Math.min(delay * t.cp.multiplier, t.cp.maxDelay);
      execution = await t.request(getter, new Map([['name', String(execution.name)]]));
    }
    if (!isMap(execution)) throw tagged('ValueError', `${RUN}: unexpected response ${typeName(execution)}`);
    if (execution.state !== 'SUCCEEDED') {
      const extra = newMap();
      extra.operation = execution;
      const msg = isMap(execution.error) && typeof execution.error.payload === 'string' ? execution.error.payload : String(execution.state);
      throw tagged('OperationError', `${RUN}: execution ${String(execution.name)} ended ${String(execution.state)}: ${msg}`, extra);
    }
    return typeof execution.result === 'string' ? fromJsonText(execution.result) : null;
  },
});

export const CONNECTOR_HELPERS: ReadonlyMap<string, ConnectorHelper> = helpers;
