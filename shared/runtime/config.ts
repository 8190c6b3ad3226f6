/**
 * Configuration comes only from environment variables, validated once with zod. Every
 * variable has a local default so `npm start` needs none; production sets
 * STACKCTL_MODE=production and the project's values (Terraform does, see control-plane module).
 */
import { z } from 'zod';
import { ValidationError } from './errors.ts';
import { formatIssues } from '../events/issues.ts';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const configSchema = z.object({
  STACKCTL_MODE: z.enum(['local', 'production']).default('local'),
  GOOGLE_CLOUD_PROJECT: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a GCP project id').default('local-project'),
  STACKCTL_REGION: z.string().regex(/^[a-z]+-[a-z]+\d$/, 'must be a GCP region such as us-central1').default('us-central1'),
  STACKCTL_DATA_DIR: z.string().min(1).default('.data'),
  STACKCTL_STATE_STORE: z.enum(['sqlite', 'firestore']).optional(),
  FIRESTORE_DATABASE: z.string().default('(default)'),
  PUBSUB_EMULATOR_HOST: z.string().regex(/^(127\.0\.0\.1|localhost):\d+$/, 'must be a loopback host:port').optional(),
  /** A loopback simulator's base URL; when set, every Google client goes there (local mode only). */
  STACKCTL_GCP_SIM_URL: z.url().optional(),
  STACKCTL_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
  /** The alerts flow's deciding lock (held without a heartbeat while a remediation is decided and started). */
  STACKCTL_LOCK_TTL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(10 * 60_000),
  /** Lease on a run and its target; renewed by a heartbeat every third of it while the run works. */
  STACKCTL_LEASE_TTL_MS: z.coerce.number().int().min(1000).max(600_000).default(20_000),
  /**
   * How long a delivery waits for a busy target before parking: longer than one lease TTL, so the
   * redelivery after a crash outlasts the dead holder's lease, and well inside the ack deadline (60 s local, 300 s prod).
   */
  STACKCTL_CONTENTION_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  /**
   * How long a delivery waits, after its run is committed, for its status event to be published
   * before it answers (the event is durable in the outbox either way). Production keeps the default:
   * Cloud Functions throttles an instance's CPU once it has answered, so a publish left for later
   * would wait for the instance's next request. 0 answers at once and publishes in the background,
   * for processes that keep their CPU (the local stack, a Cloud Run service with CPU always allocated).
   */
  STACKCTL_STATUS_FLUSH_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),
  /** The push subscriptions' dead-letter max attempts (Terraform `max_delivery_attempts`). */
  STACKCTL_MAX_DELIVERY_ATTEMPTS: z.coerce.number().int().min(5).max(100).default(5),
  /** Dead letters keep at most this much payload in the state store; the rest goes to the bucket. */
  STACKCTL_DEAD_LETTER_INLINE_BYTES: z.coerce.number().int().min(1024).max(512 * 1024).default(256 * 1024),
  /** The stack's Cloud SQL instance (module mysql). */
  STACKCTL_SQL_INSTANCE: z.string().regex(/^[a-z][a-z0-9-]{0,96}$/).default('zenml-metadata'),
  /** Bucket for exports and final workspace dumps (module storage). */
  STACKCTL_BACKUP_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/).optional(),
  STACKCTL_ARGOCD_URL: z.url().optional(),
  /** Backups: the disaster-recovery region, where backups and exports are kept (var.backup_region). */
  STACKCTL_BACKUP_REGION: z.string().regex(/^[a-z]+-[a-z]+\d$/, 'must be a GCP region such as us-east1').default('us-east1'),
  /** The push subscription's ack deadline: no delivery may work longer (Terraform sets it per subscription). */
  STACKCTL_ACK_DEADLINE_SECONDS: z.coerce.number().int().min(10).max(600).default(60),
  /** Backups: the bucket for scheduled SQL exports, in the backup region. */
  STACKCTL_EXPORTS_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STACKCTL_LOG_PRETTY: bool.default(false),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  mode: 'local' | 'production';
  projectId: string;
  region: string;
  dataDir: string;
  stateStore: 'sqlite' | 'firestore';
  firestoreDatabase: string;
  pubsubEmulatorHost?: string;
  gcpSimUrl?: string;
  maxMessageBytes: number;
  lockTtlMs: number;
  leaseTtlMs: number;
  contentionWaitMs: number;
  statusFlushWaitMs: number;
  maxDeliveryAttempts: number;
  deadLetterInlineBytes: number;
  sqlInstance: string;
  backupBucket: string;
  argoCdUrl?: string;
  backupRegion: string;
  exportsBucket: string;
  ackDeadlineSeconds: number;
  logLevel: RawConfig['LOG_LEVEL'];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ValidationError(formatIssues(parsed.error.issues).map((i) => ({ ...i, path: i.path.replace(/^\$\./, 'env ') })), 'configuration');
  }
  const c = parsed.data;
  if (c.STACKCTL_MODE === 'production' && c.STACKCTL_GCP_SIM_URL) {
    throw new ValidationError([{ path: 'env STACKCTL_GCP_SIM_URL', message: 'must not be set in production mode' }], 'configuration');
  }
  return {
    mode: c.STACKCTL_MODE,
    projectId: c.GOOGLE_CLOUD_PROJECT,
    region: c.STACKCTL_REGION,
    dataDir: c.STACKCTL_DATA_DIR,
    stateStore: c.STACKCTL_STATE_STORE ?? (c.STACKCTL_MODE === 'production' ? 'firestore' : 'sqlite'),
    firestoreDatabase: c.FIRESTORE_DATABASE,
    pubsubEmulatorHost: c.PUBSUB_EMULATOR_HOST,
    gcpSimUrl: c.STACKCTL_GCP_SIM_URL,
    maxMessageBytes: c.STACKCTL_MAX_MESSAGE_BYTES,
    lockTtlMs: c.STACKCTL_LOCK_TTL_MS,
    leaseTtlMs: c.STACKCTL_LEASE_TTL_MS,
    contentionWaitMs: c.STACKCTL_CONTENTION_WAIT_MS,
    statusFlushWaitMs: c.STACKCTL_STATUS_FLUSH_WAIT_MS,
    maxDeliveryAttempts: c.STACKCTL_MAX_DELIVERY_ATTEMPTS,
    deadLetterInlineBytes: c.STACKCTL_DEAD_LETTER_INLINE_BYTES,
    sqlInstance: c.STACKCTL_SQL_INSTANCE,
    backupBucket: c.STACKCTL_BACKUP_BUCKET ?? `${c.GOOGLE_CLOUD_PROJECT}-backups`,
    argoCdUrl: c.STACKCTL_ARGOCD_URL,
    backupRegion: c.STACKCTL_BACKUP_REGION,
    ackDeadlineSeconds: c.STACKCTL_ACK_DEADLINE_SECONDS,
    // Terraform points exports at its backup bucket (in the backup region) through STACKCTL_BACKUP_BUCKET.
    exportsBucket: c.STACKCTL_EXPORTS_BUCKET ?? c.STACKCTL_BACKUP_BUCKET ?? `${c.GOOGLE_CLOUD_PROJECT}-sql-exports`,
    logLevel: c.LOG_LEVEL,
  };
}
