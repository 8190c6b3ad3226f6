/**
 * The one list of flows. Everything else derives from it: the CLI's publish kinds, the local
 * stack's functions and topology, the dead-letter watcher, and the tests that check each flow has
 * its function file, its Terraform topic/subscription/function/service account, its example
 * messages and its README catalog entry (docs/ADDING-A-FLOW.md). A function entry point imports
 * only its own flow's module, never this list, so its bundle loads nothing else.
 */
import { TOPICS, type FlowName } from '../events/topics.ts';
import type { FlowDeclaration } from '../runtime/flow.ts';
import { alertsFlow } from './alerts/flow.ts';
import { backupsFlow } from './backups/flow.ts';
import { budgetsFlow } from './budgets/flow.ts';
import { costReportsFlow } from './cost-reports/flow.ts';
import { provisioningFlow } from './provisioning/flow.ts';

export { alertsFlow, backupsFlow, budgetsFlow, costReportsFlow, provisioningFlow };

/** A declaration of any flow; each keeps its own event and deps types. */
type AnyFlow = FlowDeclaration<any, any>;

/** Keyed by flow name; a topic in TOPICS without a declaration here does not compile. */
export const FLOWS = {
  provisioning: provisioningFlow,
  alerts: alertsFlow,
  budgets: budgetsFlow,
  backups: backupsFlow,
  costReports: costReportsFlow,
} as const satisfies { [N in FlowName]: AnyFlow & { flow: N } };

/** The flows in declaration order. */
export const FLOW_LIST: ReadonlyArray<(typeof FLOWS)[FlowName]> = Object.values(FLOWS);

/** `costReports` → `cost-reports`: a flow's folder under shared/flows/ and its function's file under functions/. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Each flow's function as the deployment sees it: its target (entry point) and trigger topic. */
export const FUNCTIONS: ReadonlyArray<{ flow: FlowName; target: string; topic: string }> =
  FLOW_LIST.map((f) => ({ flow: f.flow, target: f.functionName, topic: TOPICS[f.flow] }));
