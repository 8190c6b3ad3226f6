/**
 * Flow-specific adapters, keyed by flow name. Each flow's issue adds what its `act` needs
 * here; every adapter is built once per process and creates its client lazily.
 */
import type { Clock } from '../ports/clock.ts';
import type { Config } from './config.ts';

export type FlowDeps = Record<string, unknown>;

export function buildFlowDeps(_config: Config, _clock: Clock): FlowDeps {
  return {};
}
