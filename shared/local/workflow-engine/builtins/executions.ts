/**
 * experimental.executions.run and experimental.executions.map (standard library reference, "experimental.executions"):
 * start executions of another workflow through the Workflow Executions API and wait for them.
 * - run(workflow_id, argument, location, project_id) → the execution's result;
 * - map(workflow_id, arguments, timeout = 1800, location, project_id) → one execution per element of `arguments`,
 *   all started before any is awaited (Google runs them concurrently), results in argument order.
 * An execution that ends unsuccessfully raises ExecutionError (carrying the execution resource as `execution`,
 * the reference names no field); waiting longer than the timeout (run: 30 minutes) raises TimeoutError; an
 * argument that is not an int, double, bool, string, list or map (or null) raises TypeError. project_id and
 * location default to the caller's. Locally the API is gcp-sim's (the connector base URL), polled on the
 * injected clock with the connectors' default policy (1 s, ×1.25, at most 60 s).
 */
import { tagged } from '../errors.ts';
import { CONNECTOR_METHODS, type ConnectorMethod } from '../connectors/catalog.ts';
import { connectorRequest } from '../connectors/index.ts';
import { fromJsonText, isMap, newMap, toJsonText, typeName, type WfMap, type WfValue } from '../values.ts';
import { optNumber, optString, reqString } from './args.ts';
import type { Builtin, BuiltinContext } from './types.ts';

const CREATE = 'googleapis.workflowexecutions.v1.projects.locations.workflows.executions.create';
const GET = 'googleapis.workflowexecutions.v1.projects.locations.workflows.executions.get';
const FINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const RUN_TIMEOUT_SECONDS = 1800;

function method(name: string): ConnectorMethod {
  return CONNECTOR_METHODS.get(name) as ConnectorMethod;
}

function argumentText(v: WfValue, fn: string): string | undefined {
  if (v === null) return undefined;
  if (v instanceof Uint8Array) throw tagged('TypeError', `${fn}: an execution argument must be an int, double, bool, string, list or map, got bytes`);
  return toJsonText(v);
}

interface Target { fn: string; parent: string }

function target(args: ReadonlyMap<string, WfValue>, fn: string, ctx: BuiltinContext): Target {
  const project = optString(args, 'project_id', fn) ?? ctx.identity.projectId;
  const location = optString(args, 'location', fn) ?? ctx.identity.location;
  return { fn, parent: `projects/${project}/locations/${location}/workflows/${reqString(args, 'workflow_id', fn)}` };
}

async function start(t: Target, argument: string | undefined, ctx: BuiltinContext, sleep: (s: number) => Promise<void>): Promise<WfMap> {
  const body = newMap();
  if (argument !== undefined) body.argument = argument;
  const created = await connectorRequest(t.fn, method(CREATE), new Map<string, WfValue>([['parent', t.parent], ['body', body]]), ctx, sleep);
  if (!isMap(created) || typeof created.name !== 'string') throw tagged('ValueError', `${t.fn}: the Executions API answered without an execution name`);
  return created;
}

/** Polls every execution not yet final until all are, or the deadline passes. */
/** `began`: when the call started (epoch ms); the timeout counts from there, creation included. */
async function awaitAll(
  t: Target, executions: WfMap[], began: number, timeoutSeconds: number, ctx: BuiltinContext, sleep: (s: number) => Promise<void>,
): Promise<WfMap[]> {
  const deadline = began + timeoutSeconds * 1000;
  const out = [...executions];
  let delay = 1;
  // An execution that ended after the deadline counts as not finished in time: the caller would have given up by
  // then (this matters on a virtual clock, where a callee's waits can run ahead of the caller's polls).
  const finishedInTime = (e: WfMap): boolean => FINAL.has(String(e.state)) && !(Date.parse(String(e.endTime)) > deadline);
  for (;;) {
    const pending = out.map((e, i) => (finishedInTime(e) ? -1 : i)).filter((i) => i >= 0);
    if (pending.length === 0) return out;
    const now = ctx.clock.now().getTime();
    if (now >= deadline || pending.every((i) => FINAL.has(String(out[i].state)))) {
      const extra = newMap();
      extra.executions = pending.map((i) => out[i]);
      throw tagged('TimeoutError', `${t.fn}: ${pending.length} execution(s) of ${t.parent} did not finish within ${timeoutSeconds} seconds`, extra);
    }
    await sleep(Math.min(delay, (deadline - now) / 1000));
    delay = Math.min(delay * 1.25, 60);
    for (const i of pending.filter((j) => !FINAL.has(String(out[j].state)))) {
      const got = await connectorRequest(t.fn, method(GET), new Map([['name', String(out[i].name)]]), ctx, sleep);
      if (isMap(got)) out[i] = got;
    }
  }
}

function resultOf(t: Target, e: WfMap): WfValue {
  if (e.state !== 'SUCCEEDED') {
    const extra = newMap();
    extra.execution = e;
    const detail = isMap(e.error) && typeof e.error.payload === 'string' ? `: ${e.error.payload}` : '';
    throw tagged('ExecutionError', `${t.fn}: execution ${String(e.name)} ended ${String(e.state)}${detail}`, extra);
  }
  return typeof e.result === 'string' ? fromJsonText(e.result) : null;
}

export function executionsBuiltins(sleep: (seconds: number) => Promise<void>): Map<string, Builtin> {
  const out = new Map<string, Builtin>();
  out.set('experimental.executions.run', {
    params: ['workflow_id', 'argument', 'location', 'project_id'],
    required: 1,
    call: async (args, ctx) => {
      const t = target(args, 'experimental.executions.run', ctx);
      const began = ctx.clock.now().getTime();
      const created = await start(t, argumentText(args.get('argument') ?? null, t.fn), ctx, sleep);
      const [done] = await awaitAll(t, [created], began, RUN_TIMEOUT_SECONDS, ctx, sleep);
      return resultOf(t, done);
    },
  });
  out.set('experimental.executions.map', {
    params: ['workflow_id', 'arguments', 'timeout', 'location', 'project_id'],
    required: 2,
    call: async (args, ctx) => {
      const t = target(args, 'experimental.executions.map', ctx);
      const list = args.get('arguments');
      if (!Array.isArray(list)) throw tagged('TypeError', `${t.fn}: argument "arguments" must be a list, got ${typeName(list ?? null)}`);
      const timeout = optNumber(args, 'timeout', t.fn) ?? RUN_TIMEOUT_SECONDS;
      if (!(timeout > 0) || !Number.isFinite(timeout)) throw tagged('ValueError', `${t.fn}: timeout must be a positive number of seconds, got ${timeout}`);
      const texts = list.map((a) => argumentText(a, t.fn));
      const began = ctx.clock.now().getTime();
      const started: WfMap[] = [];
      for (const text of texts) started.push(await start(t, text, ctx, sleep));
      const done = await awaitAll(t, started, began, timeout, ctx, sleep);
      return done.map((e) => resultOf(t, e));
    },
  });
  return out;
}
