/**
 * `googleapis.*` connector calls: build the REST request from the method table, send it (gcp-sim locally, the
 * real API with a bearer token in production), and block on long-running operations the way connectors do:
 * poll with `connector_params.polling_policy` (initial_delay 1 s, multiplier 1.25, max_delay 60 s by default) on
 * the injected clock until done (Cloud SQL `sql#operation`: GET projects/{p}/operations/{op} until status DONE), at most `connector_params.timeout` seconds (default 1800) → TimeoutError; a
 * failed operation raises OperationError with the operation attached; `skip_polling: true` returns at once.
 * Every request (the call and each poll) has the connectors' built-in retries (./retry.ts) and a 30-minute timeout.
 */
import { tagged } from '../errors.ts';
import { sendHttp } from '../builtins/http.ts';
import type { BuiltinContext } from '../builtins/types.ts';
import { isMap, newMap, typeName, type WfMap, type WfValue } from '../values.ts';
import { CONNECTOR_METHODS, pathParams, positionalParams, type ConnectorMethod } from './catalog.ts';
import { CONNECTOR_HELPERS } from './helpers.ts';
import { withConnectorRetry, type Sleeper } from './retry.ts';

export type { Sleeper } from './retry.ts';

/** "By default, requests time out after 30 minutes" (Understand connectors); each retry and poll is one request. */
const REQUEST_TIMEOUT_SECONDS = 1800;

export interface ConnectorParams {
  timeoutSeconds: number;
  initialDelay: number;
  multiplier: number;
  maxDelay: number;
  skipPolling: boolean;
}

const CONNECTOR_PARAM_KEYS = new Set(['timeout', 'polling_policy', 'skip_polling', 'scopes']);

export function connectorParamOrder(name: string): readonly string[] | undefined {
  const helper = CONNECTOR_HELPERS.get(name);
  if (helper) return helper.params;
  const m = CONNECTOR_METHODS.get(name);
  return m ? positionalParams(m) : undefined;
}


export async function callConnector(name: string, args: ReadonlyMap<string, WfValue>, ctx: BuiltinContext, sleep: Sleeper): Promise<WfValue> {
  const cp = parseConnectorParams(args.get('connector_params'), name);
  const helper = CONNECTOR_HELPERS.get(name);
  if (helper) {
    for (const k of args.keys()) if (!helper.params.includes(k)) throw tagged('TypeError', `${name}: unexpected argument "${k}" (params: ${helper.params.join(', ')})`);
    return helper.call(args, { ctx, sleep, cp, request: (m, a) => connectorRequest(name, m, a, ctx, sleep), poll: (m, a, op) => awaitOperation(name, m, a, op, ctx, sleep, cp) });
  }
  const method = CONNECTOR_METHODS.get(name);
  if (!method) {
    throw tagged('ValueError', `connector method ${name} is not supported by this engine (supported services: sqladmin, secretmanager, storage, pubsub, workflowexecutions)`);
  }
  const response = await connectorRequest(name, method, args, ctx, sleep);
  if (!method.lro || cp.skipPolling) return response;
  return awaitOperation(name, method, args, response, ctx, sleep, cp);
}

function num(v: WfValue | undefined, what: string, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw tagged('TypeError', `connector_params.${what} must be a number, got ${typeName(v)}`);
}

export function parseConnectorParams(v: WfValue | undefined, name: string): ConnectorParams {
  const out: ConnectorParams = { timeoutSeconds: 1800, initialDelay: 1, multiplier: 1.25, maxDelay: 60, skipPolling: false };
  if (v === undefined || v === null) return out;
  if (!isMap(v)) throw tagged('TypeError', `${name}: connector_params must be a map`);
  for (const k of Object.keys(v)) if (!CONNECTOR_PARAM_KEYS.has(k)) throw tagged('TypeError', `${name}: unknown connector_params field "${k}" (allowed: ${[...CONNECTOR_PARAM_KEYS].join(', ')})`);
  out.timeoutSeconds = num(v.timeout, 'timeout', out.timeoutSeconds);
  if (v.skip_polling !== undefined && v.skip_polling !== null) {
    if (typeof v.skip_polling !== 'boolean') throw tagged('TypeError', 'connector_params.skip_polling must be a bool');
    out.skipPolling = v.skip_polling;
  }
  const pp = v.polling_policy;
  if (pp !== undefined && pp !== null) {
    if (!isMap(pp)) throw tagged('TypeError', 'connector_params.polling_policy must be a map');
    for (const k of Object.keys(pp)) {
      if (!['initial_delay', 'multiplier', 'max_delay'].includes(k)) throw tagged('TypeError', `unknown polling_policy field "${k}" (allowed: initial_delay, multiplier, max_delay)`);
    }
    out.initialDelay = num(pp.initial_delay, 'polling_policy.initial_delay', out.initialDelay);
    out.multiplier = num(pp.multiplier, 'polling_policy.multiplier', out.multiplier);
    out.maxDelay = num(pp.max_delay, 'polling_policy.max_delay', out.maxDelay);
  }
  if (!(out.timeoutSeconds > 0)) throw tagged('ValueError', 'connector_params.timeout must be positive');
  if (!(out.initialDelay >= 0) || !(out.maxDelay >= 0) || !(out.multiplier >= 1)) {
    throw tagged('ValueError', 'connector_params.polling_policy needs delays >= 0 and a multiplier >= 1');
  }
  return out;
}

/** Characters kept as-is in a single path segment; `%` stays so callers may pre-encode (as the docs advise for object names). */
function encodeSegment(value: string, reserved: boolean): string {
  return value.replace(reserved ? /[^A-Za-z0-9\-._~%!$&'()*+,;=:@/]/g : /[^A-Za-z0-9\-._~%!$&'()*+,;=:@]/g, (c) => encodeURIComponent(c));
}

function scalar(v: WfValue, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw tagged('TypeError', `${what} must be a string or number, got ${typeName(v)}`);
}

export function baseUrlFor(service: string, ctx: BuiltinContext): string {
  return (ctx.connectorBaseUrl ?? `https://${service}.googleapis.com`).replace(/\/+$/, '');
}

async function authHeaders(ctx: BuiltinContext): Promise<WfMap> {
  const h = newMap();
  if (ctx.tokenProvider) h.Authorization = `Bearer ${await ctx.tokenProvider()}`;
  return h;
}

/** One REST call of a table method, with the built-in retries; returns the decoded response body. */
export async function connectorRequest(name: string, m: ConnectorMethod, args: ReadonlyMap<string, WfValue>, ctx: BuiltinContext, sleep: Sleeper): Promise<WfValue> {
  const inPath = pathParams(m.path);
  for (const k of args.keys()) {
    if (k === 'connector_params' || inPath.includes(k) || m.query.includes(k) || (k === 'body' && m.body)) continue;
    throw tagged('TypeError', `${name}: unexpected argument "${k}" (path: ${inPath.join(', ') || '-'}; query: ${m.query.join(', ') || '-'}${m.body ? '; body' : ''})`);
  }
  let path = m.path.replace(/\{(\+?)([A-Za-z_][A-Za-z0-9_]*)\}/g, (_all, plus: string, key: string) => {
    const v = args.get(key);
    if (v === undefined || v === null) throw tagged('TypeError', `${name}: missing required argument "${key}"`);
    return encodeSegment(scalar(v, `${name}: argument "${key}"`), plus === '+');
  });
  const query = newMap();
  for (const q of m.query) {
    const v = args.get(q);
    if (v !== undefined && v !== null) query[q] = v;
  }
  const headers = await authHeaders(ctx);
  let body = m.body ? args.get('body') : undefined;
  if (m.media === 'upload' && query.uploadType === 'media') {
    path = `upload/${path}`;
    if (typeof body === 'string') headers['Content-Type'] = 'text/plain; charset=utf-8';
  } else if (m.media === 'upload' && body === undefined) {
    throw tagged('TypeError', `${name}: missing "body" (object metadata, or the data with uploadType: "media")`);
  }
  if (body === null) body = undefined;
  const url = `${baseUrlFor(m.service, ctx)}/${path}`;
  const response = await withConnectorRetry(m.httpMethod, sleep, () => sendHttp({ method: m.httpMethod, url, headers, query, body, timeoutSeconds: requestTimeout(ctx) }, ctx));
  return isMap(response) ? (response.body ?? null) : null;
}

/** Blocks until a long-running operation is done (or the connector timeout passes). */
export async function awaitOperation(
  name: string, m: ConnectorMethod, args: ReadonlyMap<string, WfValue>, first: WfValue, ctx: BuiltinContext, sleep: Sleeper, cp: ConnectorParams,
): Promise<WfValue> {
  const started = ctx.clock.now().getTime();
  const deadline = started + cp.timeoutSeconds * 1000;
  let op = first;
  let delay = cp.initialDelay;
  const isDone = (o: WfValue): boolean => !isMap(o) || o.kind !== 'sql#operation' || o.status === 'DONE';
  while (!isDone(op)) {
    const now = ctx.clock.now().getTime();
    if (now >= deadline) {
      const err = newMap();
      err.operation = op;
      throw tagged('TimeoutError', `${name}: the operation did not finish within the connector timeout of ${cp.timeoutSeconds} seconds`, err);
    }
    await sleep(Math.min(delay, (deadline - now) / 1000));
    delay = Math.min(delay * cp.multiplier, cp.maxDelay);
    op = await pollOnce(name, m, args, op as WfMap, ctx, sleep);
  }
  if (isMap(op) && isMap(op.error)) throw operationError(name, op, sqlErrorMessage(op.error));
  return op;
}

function requestTimeout(ctx: BuiltinContext): number {
  return Math.min(REQUEST_TIMEOUT_SECONDS, ctx.limits.maxHttpTimeoutSeconds);
}

async function pollOnce(name: string, m: ConnectorMethod, args: ReadonlyMap<string, WfValue>, op: WfMap, ctx: BuiltinContext, sleep: Sleeper): Promise<WfValue> {
  const headers = await authHeaders(ctx);
  const project = args.get('project') ?? op.targetProject;
  if (typeof project !== 'string' || typeof op.name !== 'string') throw tagged('ValueError', `${name}: cannot poll an operation without a project and an operation name`);
  const prefix = m.path.startsWith('sql/v1beta4/') ? 'sql/v1beta4' : 'v1';
  const url = `${baseUrlFor(m.service, ctx)}/${prefix}/projects/${encodeSegment(project, false)}/operations/${encodeSegment(op.name, false)}`;
  const response = await withConnectorRetry('GET', sleep, () => sendHttp({ method: 'GET', url, headers, timeoutSeconds: requestTimeout(ctx) }, ctx));
  return isMap(response) ? (response.body ?? null) : null;
}

function sqlErrorMessage(error: WfMap): string {
  const errors = error.errors;
  if (Array.isArray(errors) && isMap(errors[0]) && typeof errors[0].message === 'string') return errors[0].message;
  return 'operation failed';
}

function operationError(name: string, op: WfMap, message: string): Error {
  const extra = newMap();
  extra.operation = op;
  return tagged('OperationError', `${name}: long-running operation ${typeof op.name === 'string' ? op.name : ''} failed: ${message}`, extra);
}
