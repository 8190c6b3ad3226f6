/**
 * What every part of a remediation acts through, one shape for all of them: the incident paths,
 * starting a run's execution once, ending a run, and the execution follower (whose scheduled pass
 * runs inside the alerts function and whose loop runs in the local stack).
 */
import type { Clock } from '../../ports/clock.ts';
import type { Publisher } from '../../ports/publisher.ts';
import type { StateStore } from '../../ports/state-store.ts';
import type { Workflows } from '../../ports/workflows.ts';
import type { ActContext } from '../../runtime/flow.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { AlertsDeps } from './deps.ts';

export interface RemediationContext {
  store: StateStore;
  workflows: Workflows;
  clock: Clock;
  logger: Logger;
  /** Where ended runs are reported (RemediationFinished on cp-events); without it, they are not. */
  publisher?: Publisher;
}

/** The remediation context of one delivery of the alerts flow. */
export function remediationContext(ctx: ActContext<AlertsDeps>): RemediationContext {
  return { store: ctx.deps.store, workflows: ctx.flowDeps.workflows, clock: ctx.deps.clock, logger: ctx.logger, publisher: ctx.deps.publisher };
}
