/**
 * Topic names are part of the public contract: Terraform creates the same names
 * (terraform/modules/control-plane) and a test keeps the two in step.
 */
export const TOPICS = {
  provisioning: 'cp-provisioning-requests',
  backups: 'cp-backup-jobs',
  alerts: 'cp-monitoring-alerts',
  budgets: 'cp-billing-budgets',
  costReports: 'cp-cost-report-jobs',
  events: 'cp-events',
} as const;

export type FlowTopicKey = Exclude<keyof typeof TOPICS, 'events'>;
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

/**
 * One Cloud Function per event flow. `target` is the functions-framework target name
 * (and the Cloud Functions gen2 entry point); `topic` is the trigger topic.
 */
export const FUNCTIONS = [
  { flow: 'provisioning', target: 'provisioning', topic: TOPICS.provisioning },
  { flow: 'backups', target: 'backups', topic: TOPICS.backups },
  { flow: 'alerts', target: 'alerts', topic: TOPICS.alerts },
  { flow: 'budgets', target: 'budgets', topic: TOPICS.budgets },
  { flow: 'costReports', target: 'costReports', topic: TOPICS.costReports },
] as const;

export type FlowName = (typeof FUNCTIONS)[number]['flow'];
