/**
 * events.create_callback_endpoint(http_callback_method = "POST") → {url}, and
 * events.await_callback(callback, timeout = 43200) → {http_request: {body, headers, method, query, url},
 * received_time, type: "HTTP"}; the timeout runs on the injected clock and raises TimeoutError, and once the
 * callback is in no part of it is left to move a virtual clock later (./wait.ts).
 */
import { tagged } from '../errors.ts';
import { isMap, newMap } from '../values.ts';
import { optNumber, optString } from './args.ts';
import type { Builtin } from './types.ts';
import { awaitWithTimeout } from './wait.ts';

const DEFAULT_TIMEOUT_SECONDS = 43200;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);

export function eventsBuiltins(sleep: (seconds: number) => Promise<void>): Map<string, Builtin> {
  const out = new Map<string, Builtin>();
  out.set('events.create_callback_endpoint', {
    params: ['http_callback_method'],
    required: 0,
    call: async (args, ctx) => {
      const method = (optString(args, 'http_callback_method', 'events.create_callback_endpoint') ?? 'POST').toUpperCase();
      if (!METHODS.has(method)) throw tagged('ValueError', `events.create_callback_endpoint: unsupported http_callback_method "${method}"`);
      const host = await ctx.callbacks();
      const id = ctx.identity;
      const url = host.create(`/v1/projects/${id.projectId}/locations/${id.location}/workflows/${id.workflowId}/executions/${id.executionId}`, method);
      const result = newMap();
      result.url = url;
      return result;
    },
  });
  out.set('events.await_callback', {
    params: ['callback', 'timeout'],
    required: 1,
    call: async (args, ctx) => {
      const callback = args.get('callback');
      if (!isMap(callback) || typeof callback.url !== 'string') {
        throw tagged('TypeError', 'events.await_callback: "callback" must be the map returned by events.create_callback_endpoint');
      }
      const timeout = optNumber(args, 'timeout', 'events.await_callback') ?? DEFAULT_TIMEOUT_SECONDS;
      if (!(timeout >= 0)) throw tagged('ValueError', `events.await_callback: timeout must be a non-negative number, got ${timeout}`);
      const host = await ctx.callbacks();
      const wait = host.wait(callback.url);
      if (!wait) throw tagged('ValueError', `events.await_callback: ${callback.url} is not a callback endpoint of this execution`);
      const got = await awaitWithTimeout(wait.event, timeout, ctx.clock, sleep);
      if (got === undefined) {
        wait.cancel();
        throw tagged('TimeoutError', `events.await_callback: no callback received within ${timeout} seconds`);
      }
      return got.value;
    },
  });
  return out;
}
