/**
 * Fault injection: make any simulated method fail once, N times or always, with a chosen
 * HTTP code, or answer slowly. Rules come from a config file (`--faults FILE`) or from
 * `POST /__sim/faults`. Tests use them to break any single step of a flow.
 */
import { z } from 'zod';
import { SimError } from './errors.ts';

export const FaultRuleSchema = z.object({
  /** Route id (`sqladmin.instances.clone`) or a prefix ending in `*` (`secretmanager.*`). */
  method: z.string().min(1),
  /** Only requests whose path contains this substring (e.g. an instance or bucket name). */
  pathContains: z.string().optional(),
  /** How many times to fail; omit for "always". `once` is `times: 1`. */
  times: z.number().int().positive().optional(),
  code: z.union([z.literal(400), z.literal(403), z.literal(404), z.literal(409), z.literal(429), z.literal(500), z.literal(503)]).optional(),
  message: z.string().optional(),
  /** Legacy error reason, e.g. "operationInProgress" with code 409. */
  reason: z.string().optional(),
  /** Delay before answering (or before failing), in milliseconds of real time. */
  delayMs: z.number().int().nonnegative().max(600_000).optional(),
});
export type FaultRule = z.infer<typeof FaultRuleSchema>;
export const FaultConfigSchema = z.object({ faults: z.array(FaultRuleSchema) });

interface ActiveRule extends FaultRule { id: number; hits: number }

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  add(rule: FaultRule): number {
    const parsed = FaultRuleSchema.parse(rule);
    const id = this.nextId++;
    this.rules.push({ ...parsed, id, hits: 0 });
    return id;
  }

  clear(): void { this.rules = []; }

  list(): ReadonlyArray<ActiveRule> { return this.rules; }

  /**
   * Returns what to do for this call: an optional delay and an optional error. A rule that
   * has used up its `times` is removed so "fail once" really means once.
   */
  check(methodId: string, path: string): { delayMs: number; error?: SimError } {
    for (const rule of this.rules) {
      const methodMatches = rule.method.endsWith('*') ? methodId.startsWith(rule.method.slice(0, -1)) : rule.method === methodId;
      if (!methodMatches) continue;
      if (rule.pathContains && !path.includes(rule.pathContains)) continue;
      rule.hits++;
      if (rule.times !== undefined && rule.hits >= rule.times) this.rules = this.rules.filter((r) => r !== rule);
      const reason = rule.reason ?? (rule.code === 409 ? 'operationInProgress' : undefined);
      // An injected "operation in progress" must look like the real one on the wire: google-gax
      // keeps only code/status/message of the JSON error, so the status (ABORTED, a concurrency
      // conflict, not ALREADY_EXISTS) and Cloud SQL's wording are what clients can classify.
      const inProgress = rule.code === 409 && reason === 'operationInProgress';
      const error = rule.code === undefined ? undefined : new SimError(
        rule.code,
        rule.message ?? (inProgress ? `Operation failed because another operation was already in progress. (Injected fault on ${methodId}.)` : `Injected fault on ${methodId}.`),
        inProgress ? 'ABORTED' : undefined,
        reason,
      );
      return { delayMs: rule.delayMs ?? 0, error };
    }
    return { delayMs: 0 };
  }
}
