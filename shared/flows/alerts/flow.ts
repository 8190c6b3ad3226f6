/**
 * The alerts flow: Cloud Monitoring incidents (schema 1.2) start remediation workflows under
 * guardrails. The runtime has already deduplicated on incident id + state (a duplicate never
 * reaches `act`; its audit record says "duplicate of run …"). Test notifications are recorded and
 * never acted on. The lock is taken inside `act`, on the remediation target the matching rule
 * names (`app:…`, `instance:…`), which the event alone does not know.
 */
import { decodeMonitoringNotification, type EventOfKind } from '../../events/index.ts';
import type { ActContext, ActOutcome, FlowDefinition } from '../../runtime/flow.ts';
import { actClosedIncident } from './closed-incident.ts';
import type { AlertsDeps } from './deps.ts';
import { actOpenIncident } from './open-incident.ts';

export type AlertEvent = EventOfKind<'MonitoringIncident'> | EventOfKind<'MonitoringTestNotification'>;

export async function actAlerts(event: AlertEvent, ctx: ActContext<AlertsDeps>): Promise<ActOutcome> {
  if (event.kind === 'MonitoringTestNotification') {
    return { status: 'suppressed', reason: 'test notification: recorded, never acted on', statusEvent: { kind: 'RemediationSuppressed', guardrail: 'test-notification' } };
  }
  return event.incident.state === 'closed' ? actClosedIncident(event, ctx) : actOpenIncident(event, ctx);
}

export const alertsFlow: FlowDefinition<AlertEvent, AlertsDeps> = {
  flow: 'alerts',
  decode: decodeMonitoringNotification,
  actor: (e) => (e.kind === 'MonitoringIncident' ? `policy:${e.incident.policy_name ?? 'unknown'}` : 'monitoring:test'),
  describe: (e) => (e.kind === 'MonitoringIncident'
    ? { incidentId: e.incident.incident_id, state: e.incident.state, policy: e.incident.policy_name, labels: e.incident.policy_user_labels, severity: e.incident.severity }
    : { test: true }),
  lockTarget: () => null,
  act: actAlerts,
};
