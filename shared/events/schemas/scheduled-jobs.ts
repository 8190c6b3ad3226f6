/**
 * Jobs published by Cloud Scheduler to Pub/Sub. Scheduler sends the job's static payload;
 * it adds no schedule time to Pub/Sub messages, so the schedule slot is derived from the
 * message's publishTime, floored to `slotMinutes` (Scheduler retries land in the same slot).
 */
import { z } from 'zod';

const jobName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be a Cloud Scheduler job id: ^[a-z][a-z0-9-]{0,62}$');
const sqlInstanceName = z.string().regex(/^[a-z][a-z0-9-]{0,96}$/, 'must be a Cloud SQL instance name');

export const backupJobSchema = z.strictObject({
  apiVersion: z.literal('stackctl/v1'),
  kind: z.literal('BackupJob'),
  job: jobName,
  task: z.enum(['backup', 'export', 'retention', 'rpo-check', 'restore-drill', 'bucket-restore']),
  instance: sqlInstanceName,
  /** Length of one schedule slot; a job publishing every hour uses 60. */
  slotMinutes: z.number().int().min(1).max(60 * 24 * 31).default(60),
  /** Task-specific options (retention counts, export bucket); each task's are checked by backup-task-options.ts. */
  options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

export const costReportJobSchema = z.strictObject({
  apiVersion: z.literal('stackctl/v1'),
  kind: z.literal('CostReportJob'),
  job: jobName,
  period: z.enum(['week', 'month']).default('week'),
  slotMinutes: z.number().int().min(1).max(60 * 24 * 31).default(60 * 24 * 7),
  formats: z.array(z.enum(['json', 'markdown', 'html'])).min(1).default(['json', 'markdown', 'html']),
});

/**
 * Published by Cloud Scheduler to cp-monitoring-alerts: a tick on which the alerts function
 * follows the workflow executions of remediation runs still `executing` or awaiting approval.
 */
export const remediationFollowJobSchema = z.strictObject({
  apiVersion: z.literal('stackctl/v1'),
  kind: z.literal('RemediationFollowJob'),
  job: jobName,
  slotMinutes: z.number().int().min(1).max(60).default(1),
});

export type RemediationFollowJob = z.infer<typeof remediationFollowJobSchema>;
export type BackupJob = z.infer<typeof backupJobSchema>;
export type CostReportJob = z.infer<typeof costReportJobSchema>;

/** Start of the schedule slot containing `publishTime`, as an ISO string. */
export function scheduleSlot(publishTime: Date, slotMinutes: number): string {
  const slotMs = slotMinutes * 60_000;
  return new Date(Math.floor(publishTime.getTime() / slotMs) * slotMs).toISOString();
}
