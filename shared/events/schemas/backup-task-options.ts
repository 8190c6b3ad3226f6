/**
 * The `options` of each BackupJob task. Cloud Scheduler payloads are flat JSON, so options are
 * a flat map of strings, numbers and booleans; each task's keys are checked strictly here, at
 * the edge, so a typo in a Scheduler payload is dead-lettered with its path instead of being
 * silently ignored.
 */
import { z } from 'zod';
import { ValidationError } from '../../runtime/errors.ts';
import { formatIssues } from '../issues.ts';
import type { BackupJob } from './scheduled-jobs.ts';

const bucketName = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/, 'must be a Cloud Storage bucket name');
const rfc3339 = z.iso.datetime({ offset: true }).describe('RFC 3339 time');
const dbList = z.string().regex(/^[A-Za-z0-9_$-]+(,[A-Za-z0-9_$-]+)*$/, 'must be database names separated by commas');

export const backupTaskOptionSchemas = {
  backup: z.strictObject({}),
  export: z.strictObject({
    /** Default: the exports bucket in the backup region (STACKCTL_EXPORTS_BUCKET). */
    bucket: bucketName.optional(),
    /** Default: every user database of the instance. */
    databases: dbList.optional(),
    /** Dumps up to this size are downloaded and checked (gzip, every database present); larger ones by checksum metadata only. */
    verifyMaxBytes: z.number().int().min(0).max(2 ** 31).default(256 * 1024 * 1024),
  }),
  retention: z.strictObject({
    /** Keep the newest N successful ON_DEMAND runs. */
    keepOnDemand: z.number().int().min(1).max(1000).optional(),
    /** Delete ON_DEMAND runs older than this (with a newer successful one). */
    maxAgeDays: z.number().positive().max(3650).optional(),
    /** Exports: keep the newest N, and/or delete those older than exportRetentionDays (the bucket's retention policy permitting). */
    exportKeepCount: z.number().int().min(1).max(10_000).optional(),
    exportRetentionDays: z.number().positive().max(3650).optional(),
    bucket: bucketName.optional(),
  }).refine((o) => o.keepOnDemand !== undefined || o.maxAgeDays !== undefined, { message: 'retention needs keepOnDemand, maxAgeDays or both' }),
  'rpo-check': z.strictObject({
    objectiveHours: z.number().positive().max(24 * 31).default(26),
    bucket: bucketName.optional(),
  }),
  'restore-drill': z.strictObject({
    /** T = now − minutesAgo (default 15). */
    minutesAgo: z.number().int().min(1).max(7 * 24 * 60).default(15),
    /** Bound on the whole drill, in minutes (the workflow's own waits are bounded below it). */
    timeoutMinutes: z.number().int().min(1).max(24 * 60).default(120),
    /** Where the drill's verification dump goes (drills/<clone>.sql.gz); default the exports bucket. */
    bucket: bucketName.optional(),
  }),
  'bucket-restore': z.strictObject({
    bucket: bucketName,
    prefix: z.string().max(1024).default(''),
    pointInTime: rfc3339,
    /** true: only report what would change. */
    dryRun: z.boolean().default(false),
  }),
} as const;

export type BackupTaskName = BackupJob['task'];
export type BackupTaskOptions<T extends BackupTaskName> = z.infer<(typeof backupTaskOptionSchemas)[T]>;
export type BackupTask = { [T in BackupTaskName]: { name: T; options: BackupTaskOptions<T> } }[BackupTaskName];

/** The job's task with its options checked; a ValidationError names `$.options.<key>`. */
export function parseBackupTask(job: Pick<BackupJob, 'task' | 'options'>): BackupTask {
  const schema = backupTaskOptionSchemas[job.task];
  const parsed = schema.safeParse(job.options);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues).map((i) => ({ ...i, path: i.path.replace(/^\$/, '$.options') }));
    throw new ValidationError(issues, `BackupJob (task ${job.task})`);
  }
  return { name: job.task, options: parsed.data } as BackupTask;
}
