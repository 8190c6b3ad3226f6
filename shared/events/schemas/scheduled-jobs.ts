/**
 * Jobs published by Cloud Scheduler to Pub/Sub. Scheduler sends the job's static payload;
 * it adds no schedule time to Pub/Sub messages, so the schedule slot is derived from the
 * message's publishTime, floored to `slotMinutes` (Scheduler retries land in the same slot).
 */
import { z } from 'zod';

const jobName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be a Cloud Scheduler job id: ^[a-z][a-z0-9-]{0,62}$')
  .describe('the Cloud Scheduler job id, `^[a-z][a-z0-9-]{0,62}$`; part of the idempotency key');
const apiVersion = z.literal('stackctl/v1').describe('always stackctl/v1');
const sqlInstanceName = z.string().regex(/^[a-z][a-z0-9-]{0,96}$/, 'must be a Cloud SQL instance name');
const slotMinutes = (fallback: number, max: number) => z.number().int().min(1).max(max).default(fallback)
  .describe(`minutes in one schedule slot (publishTime floored to it is the other part of the key); default ${fallback}`);

export const backupJobSchema = z.strictObject({
  apiVersion,
  kind: z.literal('BackupJob').describe('always BackupJob'),
  job: jobName,
  task: z.enum(['backup', 'export', 'retention', 'rpo-check', 'restore-drill', 'bucket-restore'])
    .describe('backup, export, retention, rpo-check, restore-drill or bucket-restore'),
  instance: sqlInstanceName.describe('the Cloud SQL instance; also the lease target'),
  // A job publishing every hour uses 60.
  slotMinutes: slotMinutes(60, 60 * 24 * 31),
  options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({})
    .describe('task-specific options, strings, numbers and booleans, checked per task (see below)'),
});

export const costReportJobSchema = z.strictObject({
  apiVersion,
  kind: z.literal('CostReportJob').describe('always CostReportJob'),
  job: jobName,
  period: z.enum(['week', 'month']).default('week').describe('week or month; default week'),
  slotMinutes: slotMinutes(60 * 24 * 7, 60 * 24 * 31),
  formats: z.array(z.enum(['json', 'markdown', 'html'])).min(1).default(['json', 'markdown', 'html'])
    .describe('one or more of json, markdown, html; default all three'),
});

/**
 * Published by Cloud Scheduler to cp-monitoring-alerts: a tick on which the alerts function
 * follows the workflow executions of remediation runs still `executing` or awaiting approval.
 */
export const remediationFollowJobSchema = z.strictObject({
  apiVersion,
  kind: z.literal('RemediationFollowJob').describe('always RemediationFollowJob (Monitoring never sends a kind)'),
  job: jobName,
  slotMinutes: slotMinutes(1, 60),
});

/**
 * Published by Cloud Scheduler to cp-backup-jobs: a tick on which the backups function ends the
 * restore-drill and bucket-restore runs whose workflow execution has ended (or outlived its bound).
 */
export const backupFollowJobSchema = z.strictObject({
  apiVersion,
  kind: z.literal('BackupFollowJob').describe('always BackupFollowJob'),
  job: jobName,
  slotMinutes: slotMinutes(1, 60),
});

export type RemediationFollowJob = z.infer<typeof remediationFollowJobSchema>;
export type BackupFollowJob = z.infer<typeof backupFollowJobSchema>;
export type BackupJob = z.infer<typeof backupJobSchema>;
export type CostReportJob = z.infer<typeof costReportJobSchema>;

/** Start of the schedule slot containing `publishTime`, as an ISO string. */
export function scheduleSlot(publishTime: Date, slotMinutes: number): string {
  const slotMs = slotMinutes * 60_000;
  return new Date(Math.floor(publishTime.getTime() / slotMs) * slotMs).toISOString();
}
