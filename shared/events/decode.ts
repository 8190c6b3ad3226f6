/**
 * From a Pub/Sub message to a typed control-plane event, per flow. Every event carries its
 * idempotency key (docs/ARCHITECTURE.md, "The handler pipeline", step 3): the message's own
 * identity, never the Pub/Sub message id alone, so a re-publish of the same request is recognised
 * as a duplicate.
 */
import { z } from 'zod';
import { ValidationError } from '../runtime/errors.ts';
import type { PubsubMessage } from './envelope.ts';
import { formatIssues } from './issues.ts';
import { notificationKey, readNotification } from '../domain/budgets/notification.ts';
import { budgetAttributesSchema, budgetDataSchema } from './schemas/budget-notification.ts';
import { incidentSchema, monitoringNotificationSchema } from './schemas/monitoring-incident.ts';
import { backupFollowJobSchema, backupJobSchema, costReportJobSchema, remediationFollowJobSchema, scheduleSlot } from './schemas/scheduled-jobs.ts';
import { workspaceRequestSchema } from './schemas/workspace-request.ts';

/** The default cap on a message's data; Pub/Sub allows 10 MB, our messages are small JSON. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

const meta = {
  key: z.string().min(1),
  target: z.string().min(1),
};

export const controlPlaneEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('WorkspaceRequest'), ...meta, request: workspaceRequestSchema }),
  z.object({ kind: z.literal('MonitoringIncident'), ...meta, incident: incidentSchema }),
  z.object({ kind: z.literal('MonitoringTestNotification'), ...meta }),
  z.object({ kind: z.literal('BudgetNotification'), ...meta, data: budgetDataSchema, attributes: budgetAttributesSchema }),
  z.object({ kind: z.literal('BackupJob'), ...meta, job: backupJobSchema, slot: z.string() }),
  z.object({ kind: z.literal('CostReportJob'), ...meta, job: costReportJobSchema, slot: z.string() }),
  z.object({ kind: z.literal('RemediationFollowJob'), ...meta, job: remediationFollowJobSchema, slot: z.string() }),
  z.object({ kind: z.literal('BackupFollowJob'), ...meta, job: backupFollowJobSchema, slot: z.string() }),
]);

export type ControlPlaneEvent = z.infer<typeof controlPlaneEventSchema>;
export type EventOfKind<K extends ControlPlaneEvent['kind']> = Extract<ControlPlaneEvent, { kind: K }>;

export interface DecodeOptions {
  maxMessageBytes?: number;
}

function parseJson(message: PubsubMessage, options: DecodeOptions): unknown {
  const limit = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (message.data.length > limit) {
    throw new ValidationError([{ path: '$', message: `message data is ${message.data.length} bytes; the limit is ${limit}` }]);
  }
  if (message.data.length === 0) throw new ValidationError([{ path: '$', message: 'message data is empty' }]);
  const text = message.data.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ValidationError([{ path: '$', message: `message data is not valid JSON (${(err as Error).message})` }]);
  }
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(formatIssues(result.error.issues), where);
  return result.data;
}

export function decodeWorkspaceRequest(message: PubsubMessage, options: DecodeOptions = {}): EventOfKind<'WorkspaceRequest'> {
  const request = parseWith(workspaceRequestSchema, parseJson(message, options), 'WorkspaceRequest');
  return { kind: 'WorkspaceRequest', key: `provisioning:${request.requestId}`, target: `workspace:${request.workspace}`, request };
}

export type AlertsTopicEvent = EventOfKind<'MonitoringIncident'> | EventOfKind<'MonitoringTestNotification'> | EventOfKind<'RemediationFollowJob'>;

/**
 * What arrives on cp-monitoring-alerts: Monitoring's notifications, and the control plane's own
 * follow tick from Cloud Scheduler (recognised by its `kind`, which Monitoring never sends).
 */
export function decodeAlertsMessage(message: PubsubMessage, options: DecodeOptions = {}): AlertsTopicEvent {
  const json = parseJson(message, options);
  if (json && typeof json === 'object' && (json as { kind?: unknown }).kind === 'RemediationFollowJob') {
    const job = parseWith(remediationFollowJobSchema, json, 'RemediationFollowJob');
    const slot = scheduleSlot(message.publishTime, job.slotMinutes);
    return { kind: 'RemediationFollowJob', key: `alerts:follow:${job.job}:${slot}`, target: `follow:${job.job}`, job, slot };
  }
  return monitoringNotification(json, message);
}

function monitoringNotification(json: unknown, message: PubsubMessage): EventOfKind<'MonitoringIncident'> | EventOfKind<'MonitoringTestNotification'> {
  const notification = parseWith(monitoringNotificationSchema, json, 'Monitoring notification');
  if (notification.version === 'test') {
    return { kind: 'MonitoringTestNotification', key: `alerts:test:${message.messageId}`, target: 'monitoring:test' };
  }
  const incident = notification.incident;
  return {
    kind: 'MonitoringIncident',
    key: `alerts:${incident.incident_id}:${incident.state}`,
    target: `incident:${incident.incident_id}`,
    incident,
  };
}

export function decodeBudgetNotification(message: PubsubMessage, options: DecodeOptions = {}): EventOfKind<'BudgetNotification'> {
  const data = parseWith(budgetDataSchema, parseJson(message, options), 'budget notification');
  const attributes = parseWith(budgetAttributesSchema, message.attributes, 'budget notification attributes');
  return {
    kind: 'BudgetNotification',
    key: notificationKey(readNotification({ ...data, budgetId: attributes.budgetId, billingAccountId: attributes.billingAccountId })),
    target: `budget:${attributes.budgetId}`,
    data,
    attributes,
  };
}

export type BackupsTopicEvent = EventOfKind<'BackupJob'> | EventOfKind<'BackupFollowJob'>;

/** What arrives on cp-backup-jobs: the scheduled BackupJobs, and the follow tick (told apart by `kind`). */
export function decodeBackupsMessage(message: PubsubMessage, options: DecodeOptions = {}): BackupsTopicEvent {
  const json = parseJson(message, options);
  if (json && typeof json === 'object' && (json as { kind?: unknown }).kind === 'BackupFollowJob') {
    const job = parseWith(backupFollowJobSchema, json, 'BackupFollowJob');
    const slot = scheduleSlot(message.publishTime, job.slotMinutes);
    return { kind: 'BackupFollowJob', key: `backups:follow:${job.job}:${slot}`, target: `follow:${job.job}`, job, slot };
  }
  return backupJobEvent(json, message);
}

export function decodeBackupJob(message: PubsubMessage, options: DecodeOptions = {}): EventOfKind<'BackupJob'> {
  return backupJobEvent(parseJson(message, options), message);
}

function backupJobEvent(json: unknown, message: PubsubMessage): EventOfKind<'BackupJob'> {
  const job = parseWith(backupJobSchema, json, 'BackupJob');
  const slot = scheduleSlot(message.publishTime, job.slotMinutes);
  return { kind: 'BackupJob', key: `backups:${job.job}:${slot}`, target: `instance:${job.instance}`, job, slot };
}

export function decodeCostReportJob(message: PubsubMessage, options: DecodeOptions = {}): EventOfKind<'CostReportJob'> {
  const job = parseWith(costReportJobSchema, parseJson(message, options), 'CostReportJob');
  const slot = scheduleSlot(message.publishTime, job.slotMinutes);
  return { kind: 'CostReportJob', key: `costReports:${job.job}:${slot}`, target: `cost-report:${job.job}`, job, slot };
}
