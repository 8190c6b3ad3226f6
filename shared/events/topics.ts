/**
 * Topic names are part of the public contract: Terraform creates the same names
 * (terraform/modules/control-plane) and a test keeps the two in step. Every key but `events`
 * is a flow, declared in shared/flows/<name>/flow.ts and listed in shared/flows/definitions.ts.
 */
export const TOPICS = {
  provisioning: 'cp-provisioning-requests',
  backups: 'cp-backup-jobs',
  alerts: 'cp-monitoring-alerts',
  budgets: 'cp-billing-budgets',
  costReports: 'cp-cost-report-jobs',
  events: 'cp-events',
} as const;

/** A flow's name is its topic's key. */
export type FlowName = Exclude<keyof typeof TOPICS, 'events'>;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export const DEAD_LETTER_SUFFIX = '-dlq';

export function deadLetterTopic(topic: string): string {
  return `${topic}${DEAD_LETTER_SUFFIX}`;
}

/** Every topic the system declares, dead-letter topics included. */
export function allTopics(): string[] {
  const base = Object.values(TOPICS) as string[];
  return [...base, ...base.map(deadLetterTopic)];
}
