/**
 * What every simulated API contributes to the one gcp-sim server.
 */
import type { Clock } from '../../ports/clock.ts';
import type { Router } from './router.ts';

export interface SimContext {
  clock: Clock;
  /** How long a simulated long-running operation takes, in the clock's milliseconds. */
  operationDurationMs: number;
  /** The server's own base URL (http://127.0.0.1:PORT), for selfLinks and mediaLinks. */
  baseUrl(): string;
  /** A fresh unique id (used for operation names, generations, etags). */
  newId(prefix?: string): string;
  /** Lets services that depend on one another find each other (e.g. Cloud SQL export writes to Storage). */
  service<T extends SimService>(name: string): T | undefined;
}

export interface SimService {
  readonly name: string;
  register(router: Router, ctx: SimContext): void;
  /** JSON-serialisable state, for the admin endpoint and for persistence. */
  snapshot(): unknown;
  restore?(snapshot: unknown): void;
  /** Resource counts for `stackctl status`, e.g. {instances: 2, operations: 7}. */
  summary(): Record<string, number>;
  /** Releases what the service holds beyond the server (engines, clients, timers). */
  close?(): Promise<void>;
}
