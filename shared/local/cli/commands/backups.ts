/**
 * `stackctl backups`: what the backups flow has made, read through the production adapters from
 * the running stack's simulated cloud and its state store: backup runs (type, status, location,
 * age), exports in the exports bucket (size, age) and the last restore drills with their RTO.
 *
 * `stackctl backups run TASK [--instance I] [--option k=v]…` publishes a BackupJob (as Cloud
 * Scheduler does) and waits for its run; `bucket-restore` is one such task.
 * `stackctl backups regional-restore --instance I` starts workflows/regional-restore.yaml, which
 * waits for `stackctl approve EXECUTION`.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { emulatorPubsubOptions } from '../../../adapters/local/pubsub-options.ts';
import { parseExportObjectName } from '../../../domain/backups/names.ts';
import { TOPICS } from '../../../events/topics.ts';
import { backupsFlow } from '../../../flows/backups/flow.ts';
import type { BackupsDeps } from '../../../flows/backups/deps.ts';
import type { Run, StateStore } from '../../../ports/state-store.ts';
import { backupsDeps } from '../../../runtime/adapters/backups.ts';
import { loadConfig } from '../../../runtime/config.ts';
import { systemClock } from '../../../runtime/system-clock.ts';
import { localEndpoint } from '../../stack/local-endpoint.ts';
import type { StackFile } from '../../stack/stack-file.ts';
import { openLocalStore, requireRunningStack } from '../local-state.ts';
import { CliError, globalOptions, printResult } from '../output.ts';

const TASKS = ['backup', 'export', 'retention', 'rpo-check', 'restore-drill', 'bucket-restore'] as const;
const TERMINAL = new Set(['succeeded', 'failed', 'accepted', 'suppressed', 'cancelled']);

export interface BackupsView {
  instance: string;
  backups: Array<{ id: string; type: string; status: string; location: string | null; endTime: string | null; ageHours: number | null; description: string | null }>;
  exports: Array<{ object: string; size: number; slot: string; ageHours: number }>;
  drills: Array<{ runId: string; at: string; status: string; drillInstance: string | null; rtoSeconds: number | null; cleanup: string | null; reason: string | null }>;
}

/** The adapters of the backups flow, pointed at the running stack's gcp-sim. */
export function stackBackupsDeps(stack: StackFile, env: NodeJS.ProcessEnv = process.env): BackupsDeps {
  const config = loadConfig({ ...env, STACKCTL_MODE: 'local', GOOGLE_CLOUD_PROJECT: stack.projectId, STACKCTL_REGION: stack.region, STACKCTL_GCP_SIM_URL: stack.endpoints.gcpSim, LOG_LEVEL: 'silent' });
  return backupsDeps(localEndpoint(config), systemClock, config);
}

const hoursSince = (at: Date | undefined, now: Date) => (at ? Math.round(((now.getTime() - at.getTime()) / 3_600_000) * 10) / 10 : null);

export async function backupsView(deps: BackupsDeps, store: StateStore, instance: string, now: Date, limit = 20): Promise<BackupsView> {
  const runs = (await deps.sql.listBackupRuns(instance))
    .sort((a, b) => (b.endTime ?? b.enqueuedTime ?? new Date(0)).getTime() - (a.endTime ?? a.enqueuedTime ?? new Date(0)).getTime());
  const objects = await deps.objects.listObjects(deps.settings.exportsBucket, { prefix: `${instance}/` });
  const exports = objects
    .map((o) => ({ o, slot: parseExportObjectName(instance, o.name) }))
    .filter((x): x is { o: typeof x.o; slot: Date } => x.slot !== null)
    .sort((a, b) => b.slot.getTime() - a.slot.getTime());
  const drills = (await store.listRuns({ flow: 'backups', target: `instance:${instance}`, limit: 500 }))
    .filter((r) => (r.input as { task?: string } | undefined)?.task === 'restore-drill' && TERMINAL.has(r.status))
    .slice(0, limit);
  return {
    instance,
    backups: runs.slice(0, limit).map((r) => ({
      id: r.id, type: r.type, status: r.status, location: r.location ?? null, endTime: r.endTime?.toISOString() ?? null,
      ageHours: hoursSince(r.endTime, now), description: r.description ?? null,
    })),
    exports: exports.slice(0, limit).map(({ o, slot }) => ({ object: `gs://${deps.settings.exportsBucket}/${o.name}`, size: o.size, slot: slot.toISOString(), ageHours: hoursSince(slot, now)! })),
    drills: drills.map((r) => {
      const res = (r.result ?? {}) as { drillInstance?: string; rtoSeconds?: number; cleanup?: string };
      return { runId: r.id, at: r.updatedAt, status: r.status, drillInstance: res.drillInstance ?? null, rtoSeconds: res.rtoSeconds ?? null, cleanup: res.cleanup ?? null, reason: r.status === 'failed' ? (r.error?.message ?? null) : null };
    }),
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function describeView(v: BackupsView): string {
  const out = [`backups of ${v.instance}`];
  out.push(v.backups.length ? table([['ID', 'TYPE', 'STATUS', 'LOCATION', 'ENDED', 'AGE (h)'], ...v.backups.map((b) => [b.id, b.type, b.status, b.location ?? '-', b.endTime ?? '-', b.ageHours === null ? '-' : String(b.ageHours)])]) : '  none');
  out.push('', 'exports');
  out.push(v.exports.length ? table([['OBJECT', 'SIZE (bytes)', 'AGE (h)'], ...v.exports.map((e) => [e.object, String(e.size), String(e.ageHours)])]) : '  none');
  out.push('', 'restore drills');
  out.push(v.drills.length ? table([['RUN', 'AT', 'STATUS', 'CLONE', 'RTO (s)', 'CLEANUP'], ...v.drills.map((d) => [d.runId, d.at, d.status, d.drillInstance ?? '-', d.rtoSeconds === null ? '-' : String(d.rtoSeconds), d.cleanup ?? d.reason ?? '-'])]) : '  none');
  return out.join('\n');
}

function options(pairs: string[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--option must be key=value, got "${pair}"`);
    const raw = pair.slice(eq + 1);
    out[pair.slice(0, eq)] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  return out;
}

/** Publishes a BackupJob to the stack's emulator and waits for its run to end. */
export async function runBackupJob(stack: StackFile, store: StateStore, job: Record<string, unknown>, timeoutMs: number): Promise<Run> {
  const data = Buffer.from(JSON.stringify(job));
  // Same decoder as the function, so a bad option is reported here with its path.
  backupsFlow.decode({ data, attributes: {}, messageId: 'cli-validate', publishTime: new Date(), mode: 'push' });
  const { PubSub } = await import('@google-cloud/pubsub');
  const pubsub = new PubSub(emulatorPubsubOptions(stack.projectId, stack.endpoints.pubsubEmulator));
  try {
    await pubsub.topic(TOPICS.backups).publishMessage({ data });
  } finally {
    await pubsub.close();
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const run = (await store.listRuns({ flow: 'backups', limit: 200 })).find((r) => (r.input as { job?: string } | undefined)?.job === job.job);
    if (run && TERMINAL.has(run.status)) return run;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new CliError(`the ${String(job.task)} job ${String(job.job)} did not finish within ${timeoutMs / 1000} s`, 'see `stackctl runs --flow backups` and `stackctl dead-letters`');
}

/** `--instance` belongs to `backups` and applies to its subcommands too (default: the stack's instance). */
function instanceOption(cmd: Command): string {
  const value = (cmd.optsWithGlobals() as { instance?: string }).instance ?? loadConfig({ ...process.env, LOG_LEVEL: 'silent' }).sqlInstance;
  if (!/^[a-z][a-z0-9-]{0,96}$/.test(value)) throw new CliError(`--instance must be a Cloud SQL instance name, got "${value}"`);
  return value;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  const backups = program
    .command('backups')
    .description('backups, exports (age, size) and the last restore drills (RTO); `run TASK`, `regional-restore`')
    .option('--instance <name>', 'Cloud SQL instance, for the subcommands too (default: the stack\'s)')
    .option('--limit <n>', 'rows per table', '20')
    .action(async (opts: { limit: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const stack = requireRunningStack(global.dataDir);
      const deps = stackBackupsDeps(stack);
      const store = openLocalStore(global.dataDir);
      try {
        const instance = instanceOption(cmd);
        const view = await backupsView(deps, store, instance, new Date(), Number(opts.limit));
        printResult(global, view, () => describeView(view));
      } finally {
        await store.close();
      }
    });

  backups
    .command('run')
    .description(`publish a BackupJob and wait for its run: ${TASKS.join('|')}`)
    .argument('<task>', TASKS.join('|'))
    .option('--option <key=value>', 'task option (repeatable), e.g. keepOnDemand=7, bucket=B, pointInTime=T, dryRun=true', collect, [])
    .option('--timeout <seconds>', 'how long to wait for the run', '300')
    .action(async (task: string, opts: { option: string[]; timeout: string }, cmd: Command) => {
      if (!(TASKS as readonly string[]).includes(task)) throw new CliError(`unknown task "${task}"`, `use one of: ${TASKS.join(', ')}`);
      const global = globalOptions(cmd);
      const instance = instanceOption(cmd);
      const stack = requireRunningStack(global.dataDir);
      const store = openLocalStore(global.dataDir);
      try {
        // A fresh job id per invocation: each run is its own schedule slot, never a duplicate.
        const job = { apiVersion: 'stackctl/v1', kind: 'BackupJob', job: `stackctl-${task}-${randomBytes(4).toString('hex')}`, task, instance, slotMinutes: 1, options: options(opts.option) };
        const run = await runBackupJob(stack, store, job, Number(opts.timeout) * 1000);
        printResult(global, { run }, () => [
          `${task} ${run.status}${run.error ? `: ${run.error.message}` : ''}`,
          ...run.steps.map((s) => `  ${s.status.padEnd(10)} ${s.name}${s.detail ? `: ${s.detail}` : ''}`),
        ].join('\n'));
        if (run.status === 'failed') process.exitCode = 1;
      } finally {
        await store.close();
      }
    });

  backups
    .command('regional-restore')
    .description('start workflows/regional-restore.yaml: the newest backup into a new instance in the backup region (asks for approval)')
    .option('--backup-run <id>', 'backup run to restore (default: the newest successful)')
    .option('--reason <text>', 'why', 'regional restore started with stackctl')
    .action(async (opts: { backupRun?: string; reason: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const stack = requireRunningStack(global.dataDir);
      const deps = stackBackupsDeps(stack);
      const argument = { instance: instanceOption(cmd), reason: opts.reason, ...(opts.backupRun ? { backupRunId: opts.backupRun } : {}) };
      const execution = await deps.workflows.startExecution('regional-restore', argument);
      printResult(global, { execution: execution.name, state: execution.state, argument }, () =>
        `started ${execution.name} (${execution.state})\nit waits for approval: npx stackctl approve ${execution.name}`);
    });
}
