/**
 * The alerts flow: Cloud Monitoring incidents (schema 1.2) start remediation workflows under
 * guardrails. The runtime has already deduplicated on incident id + state (a duplicate never
 * reaches `act`; its audit record says "duplicate of run …"). Test notifications are recorded and
 * never acted on. The lock is taken inside `act`, on the remediation target the matching rule
 * names (`app:…`, `instance:…`), which the event alone does not know.
 */
import { decodeAlertsMessage, incidentSchema, remediationFollowJobSchema, type AlertsTopicEvent } from '../../events/index.ts';
import type { ActContext, ActOutcome, FlowDeclaration } from '../../runtime/flow.ts';
import { actClosedIncident } from './closed-incident.ts';
import { remediationContext } from './context.ts';
import type { AlertsDeps } from './deps.ts';
import { actOpenIncident } from './open-incident.ts';
import { followExecutionsOnce } from './follower.ts';

export type AlertEvent = AlertsTopicEvent;

export async function actAlerts(event: AlertEvent, ctx: ActContext<AlertsDeps>): Promise<ActOutcome> {
  if (event.kind === 'RemediationFollowJob') {
    // The scheduled tick: end every remediation run whose workflow execution has ended.
    const followed = await followExecutionsOnce(remediationContext(ctx));
    const summary = `followed ${followed.checked} remediation run(s); ${followed.finished.length} finished, ${followed.errors.length} error(s)`;
    return { status: 'succeeded', reason: summary, result: followed, statusEvent: { kind: 'RemediationsFollowed', checked: followed.checked, finished: followed.finished } };
  }
  if (event.kind === 'MonitoringTestNotification') {
    return { status: 'suppressed', reason: 'test notification: recorded, never acted on', statusEvent: { kind: 'RemediationSuppressed', guardrail: 'test-notification' } };
  }
  return event.incident.state === 'closed' ? actClosedIncident(event, ctx) : actOpenIncident(event, ctx);
}

export const alertsFlow: FlowDeclaration<AlertEvent, AlertsDeps, 'alerts'> = {
  flow: 'alerts',
  functionName: 'alerts',
  // Keys: alerts:<incident_id>:<state>, alerts:test:<messageId>, alerts:follow:<job>:<minute slot>.
  decode: decodeAlertsMessage,
  actor: (e) => (e.kind === 'MonitoringIncident' ? `policy:${e.incident.policy_name ?? 'unknown'}` : e.kind === 'RemediationFollowJob' ? `scheduler:${e.job.job}` : 'monitoring:test'),
  describe: (e) => (e.kind === 'MonitoringIncident'
    ? { incidentId: e.incident.incident_id, state: e.incident.state, policy: e.incident.policy_name, labels: e.incident.policy_user_labels, severity: e.incident.severity }
    : e.kind === 'RemediationFollowJob' ? { job: e.job.job, slot: e.slot } : { test: true }),
  lockTarget: () => null,
  loadDeps: async (env) => (await import('../../runtime/adapters/alerts.ts')).alertsDeps(env.endpoint, env.clock),
  act: actAlerts,
  messages: [
    { kind: 'MonitoringIncident', schema: incidentSchema, path: 'incident' },
    { kind: 'RemediationFollowJob', schema: remediationFollowJobSchema },
  ],
  cli: { kind: 'alert', examples: [{ file: 'incident-redeploy.json' }, { file: 'incident-pitr.json' }, { file: 'incident-test.json' }, { file: 'incident-rpo-breach.json' }] },
};
