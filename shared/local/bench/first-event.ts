/**
 * Cold start to the first event answered: for each function of the deployable archive, the time
 * from spawning functions-framework on it to the HTTP answer of one valid Pub/Sub push, next to the
 * time its port opened, against a bare functions-framework hello-world started and asked the same
 * way. A function that loads its clients on the first delivery looks fast at port-open; only the
 * first answer shows what a cold instance really costs.
 *
 * Each function runs as deployed (STACKCTL_MODE=production): Firestore as the state store (Google's
 * emulator, started here unless FIRESTORE_EMULATOR_HOST is set) and the local Pub/Sub emulator for
 * its status events. With `baselineRepo` (another checkout, e.g. the commit before a change), that
 * checkout's archive is built with its own `stackctl build` and measured interleaved with this one.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PubSub } from '@google-cloud/pubsub';
import { TOPICS } from '../../events/topics.ts';
import { decodeDelivery } from '../../events/envelope.ts';
import type { ControlPlaneEvent } from '../../events/decode.ts';
import type { FlowName } from '../../events/topics.ts';
import { FLOWS, FUNCTIONS } from '../../flows/definitions.ts';
import type { FlowDeclaration } from '../../runtime/flow.ts';
import { FirestoreStateStore } from '../../adapters/gcp/firestore-state-store.ts';
import { emulatorPubsubOptions } from '../../adapters/local/pubsub-options.ts';
import { startPubsubEmulator } from '../pubsub/emulator.ts';

export interface FirstEventTiming {
  /** Median ms from spawn until the port accepted a connection. */
  portOpenMs: number;
  /** Median ms from spawn until the first event's HTTP answer. */
  firstAnswerMs: number;
  /** firstAnswerMs / the hello-world's firstAnswerMs. */
  ratio: number;
  /**
   * Median CPU ms (user + system) the instance had used when it answered, where /proc tells it: on a
   * machine other work keeps busy this moves far less than wall time, and a cold start is CPU-bound.
   */
  cpuMs?: number;
  /** HTTP status and pipeline outcome of the first answer (the same every sample, or listed). */
  answer: string;
}

export interface FirstEventResult {
  samples: number;
  helloWorld: { portOpenMs: number; firstAnswerMs: number; cpuMs?: number };
  /** By label (`current`, and `baseline` when measured), then by function target. */
  builds: Record<string, Record<string, FirstEventTiming>>;
}

const require = createRequire(import.meta.url);
const FIRESTORE_EMULATOR = '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator';
const PROJECT = 'bench-project';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => ok(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); ok(true); });
    socket.once('error', () => ok(false));
  });
}

/**
 * One valid message per function, unique per sample. This machine has no Google credentials and the
 * deployed code has no way to reach gcp-sim (production mode refuses STACKCTL_GCP_SIM_URL and never
 * builds the simulator's auth client; its Google clients speak gRPC to *.googleapis.com with ADC), so
 * each input is one whose real path needs no Google API besides Firestore and Pub/Sub (both emulated):
 * - alerts: a test incident, recorded and suppressed;
 * - budgets: a routine spend update (no threshold crossed), which records the latest spend;
 * - provisioning, backups, costReports: every new request or job calls a Google API first (Secret
 *   Manager, Cloud SQL, Cloud Billing), so the message's run is recorded as finished beforehand and
 *   the first event is answered "duplicate" from the state store. `note` says so in the answer.
 */
interface BenchInput { body: unknown; seedFinished?: boolean; note?: string }

function pushInput(target: string, n: string): BenchInput {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
  const message = (data: string, attributes: Record<string, string> = {}) => ({
    message: { data, attributes, messageId: `bench-${n}`, publishTime: new Date().toISOString() },
    subscription: `projects/${PROJECT}/subscriptions/bench`,
  });
  const seeded = (api: string) => ({ seedFinished: true, note: `seeded as finished: a new one calls ${api} first, unreachable here` });
  switch (target) {
    case 'provisioning':
      return { body: message(json({ apiVersion: 'stackctl/v1', kind: 'WorkspaceRequest', requestId: `bench-${n}`, action: 'delete', workspace: 'bench-team', environment: 'dev', requestedBy: 'bench@example.com' })), ...seeded('Secret Manager') };
    case 'alerts':
      return { body: message(json({ version: 'test', incident: { summary: 'bench' } })), note: 'test incident' };
    case 'budgets':
      return {
        body: message(json({ budgetDisplayName: 'bench', costAmount: 1, costIntervalStart: '2026-11-01T00:00:00Z', budgetAmount: 10, budgetAmountType: 'SPECIFIED_AMOUNT', currencyCode: 'USD' }),
          { billingAccountId: '01D4EE-079462-DFD6EC', budgetId: `bench-${n}`, schemaVersion: '1.0' }),
        note: 'routine spend update',
      };
    case 'backups':
      return { body: message(json({ apiVersion: 'stackctl/v1', kind: 'BackupJob', job: `bench-${n}`, task: 'backup', instance: 'zenml-metadata' })), ...seeded('Cloud SQL') };
    case 'costReports':
      return { body: message(json({ apiVersion: 'stackctl/v1', kind: 'CostReportJob', job: `bench-${n}` })), ...seeded('Cloud Billing') };
    default:
      return { body: { hello: true } };
  }
}

/** Records the run of the input's message as finished, under the key the flow itself derives. */
async function seedFinishedRun(store: FirestoreStateStore, flow: FlowName, body: unknown): Promise<void> {
  const declaration = FLOWS[flow] as FlowDeclaration<ControlPlaneEvent, unknown>;
  const event = declaration.decode(decodeDelivery({ 'content-type': 'application/json' }, body), {});
  const claim = await store.claim(event.key, { id: randomUUID(), flow, target: event.target, status: 'succeeded' });
  if (!claim.claimed) throw new Error(`first-event bench: ${event.key} was already recorded`);
}

/** CPU ms (user + system) a child process has used so far, from /proc (Linux); undefined elsewhere. */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th, in clock ticks (100 Hz).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks * 10 : undefined;
}

interface Sample { portOpenMs: number; firstAnswerMs: number; cpuMs?: number; answer: string }

async function timeFirstEvent(source: string, target: string, env: NodeJS.ProcessEnv, body: unknown): Promise<Sample> {
  const port = await freePort();
  const main = join(dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');
  const started = performance.now();
  const child = spawn(process.execPath, [main, `--target=${target}`, `--source=${source}`, `--port=${port}`], {
    env: { ...env, HOST: '127.0.0.1', STACKCTL_FUNCTION: target }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  try {
    let portOpenMs: number | undefined;
    for (let i = 0; i < 6000 && portOpenMs === undefined; i++) {
      if (child.exitCode !== null) throw new Error(`${target} exited with ${child.exitCode} before serving: ${stderr}`);
      if (await canConnect(port)) portOpenMs = performance.now() - started;
      else await new Promise((r) => setTimeout(r, 2));
    }
    if (portOpenMs === undefined) throw new Error(`${target} not listening after 12 s`);
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    const firstAnswerMs = performance.now() - started;
    const cpuMs = cpuMsOf(child.pid);
    let outcome = text.slice(0, 40);
    try {
      const answer = JSON.parse(text) as { outcome?: string; reason?: string };
      outcome = `${answer.outcome ?? outcome}${res.status >= 500 && answer.reason ? ` (${answer.reason.slice(0, 100)})` : ''}`;
    } catch { /* hello-world answers text */ }
    return { portOpenMs, firstAnswerMs, ...(cpuMs === undefined ? {} : { cpuMs }), answer: `${res.status} ${outcome}` };
  } finally {
    await stop(child);
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

async function startFirestoreEmulator(): Promise<{ host: string; stop(): Promise<void> }> {
  if (process.env.FIRESTORE_EMULATOR_HOST) return { host: process.env.FIRESTORE_EMULATOR_HOST, stop: async () => undefined };
  if (!existsSync(FIRESTORE_EMULATOR)) throw new Error(`needs Google's Firestore emulator (${FIRESTORE_EMULATOR}, package google-cloud-cli-firestore-emulator) or FIRESTORE_EMULATOR_HOST`);
  const port = await freePort();
  // Its own process group: the wrapper script starts a JVM that killing the script alone leaves running.
  const child = spawn(FIRESTORE_EMULATOR, ['start', '--host=127.0.0.1', `--port=${port}`], { stdio: 'ignore', detached: true });
  const stopGroup = () => new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) { done(); return; }
    child.once('exit', () => done());
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { done(); }
  });
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`the Firestore emulator exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) })).ok) return { host: `127.0.0.1:${port}`, stop: stopGroup };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stopGroup();
  throw new Error('the Firestore emulator did not come up within 60 s');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Builds a checkout's archive with that checkout's own `stackctl build`. */
function buildArchive(repoRoot: string, outDir: string): string {
  execFileSync(process.execPath, ['bin/stackctl.js', 'build', '--out', outDir], { cwd: repoRoot, stdio: 'ignore', timeout: 300_000 });
  return outDir;
}

export async function measureFirstEvent(options: { samples?: number; baselineRepo?: string } = {}): Promise<FirstEventResult> {
  const samples = options.samples ?? 5;
  const root = resolve(import.meta.dirname, '../../..');
  // Inside this checkout so the bundles' packages resolve from its node_modules.
  const work = join(root, '.tmp', 'bench-first-event');
  const hello = join(work, 'hello');
  mkdirSync(hello, { recursive: true });
  writeFileSync(join(hello, 'package.json'), JSON.stringify({ type: 'module', main: 'index.js' }));
  writeFileSync(join(hello, 'index.js'), "import ff from '@google-cloud/functions-framework';\nff.http('hello', (req, res) => res.send('hello'));\n");
  const builds: Record<string, string> = { current: buildArchive(root, join(work, 'current', 'functions')) };
  if (options.baselineRepo) builds.baseline = buildArchive(resolve(options.baselineRepo), join(work, 'baseline', 'functions'));

  const firestore = await startFirestoreEmulator();
  const pubsubEmulator = await startPubsubEmulator({ port: 0 });
  const pubsub = new PubSub(emulatorPubsubOptions(PROJECT, pubsubEmulator.host));
  // The Firestore client finds the emulator through the environment only.
  const previousHost = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = firestore.host;
  const store = new FirestoreStateStore({ projectId: PROJECT });
  try {
    await pubsub.createTopic(TOPICS.events);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, HOME: process.env.HOME,
      STACKCTL_MODE: 'production', GOOGLE_CLOUD_PROJECT: PROJECT, STACKCTL_STATE_STORE: 'firestore',
      FIRESTORE_EMULATOR_HOST: firestore.host, PUBSUB_EMULATOR_HOST: pubsubEmulator.host,
      METADATA_SERVER_DETECTION: 'none', LOG_LEVEL: 'silent', NODE_ENV: 'production',
    };
    const helloTimes: Sample[] = [];
    const times: Record<string, Record<string, Sample[]>> = {};
    for (const label of Object.keys(builds)) times[label] = Object.fromEntries(FUNCTIONS.map((f) => [f.target, []]));
    // Interleaved, so background load falls on every side alike.
    for (let s = 0; s < samples; s++) {
      helloTimes.push(await timeFirstEvent(hello, 'hello', env, {}));
      for (const fn of FUNCTIONS) {
        for (const [label, dir] of Object.entries(builds)) {
          const n = `${label}-${s}-${Date.now()}`;
          const input = pushInput(fn.target, n);
          if (input.seedFinished) await seedFinishedRun(store, fn.flow, input.body);
          const timing = await timeFirstEvent(dir, fn.target, env, input.body);
          times[label]![fn.target]!.push({ ...timing, answer: input.note ? `${timing.answer} (${input.note})` : timing.answer });
        }
      }
    }
    const helloAnswer = median(helloTimes.map((t) => t.firstAnswerMs));
    const round = (ms: number) => Math.round(ms);
    const cpu = (ts: Sample[]) => (ts.every((t) => t.cpuMs !== undefined) ? { cpuMs: round(median(ts.map((t) => t.cpuMs!))) } : {});
    return {
      samples,
      helloWorld: { portOpenMs: round(median(helloTimes.map((t) => t.portOpenMs))), firstAnswerMs: round(helloAnswer), ...cpu(helloTimes) },
      builds: Object.fromEntries(Object.entries(times).map(([label, byFn]) => [label, Object.fromEntries(Object.entries(byFn).map(([target, ts]) => {
        const answered = median(ts.map((t) => t.firstAnswerMs));
        return [target, {
          portOpenMs: round(median(ts.map((t) => t.portOpenMs))), firstAnswerMs: round(answered),
          ratio: Math.round((answered / helloAnswer) * 100) / 100, ...cpu(ts), answer: [...new Set(ts.map((t) => t.answer))].join(' / '),
        }];
      }))])),
    };
  } finally {
    await store.close();
    if (previousHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = previousHost;
    await pubsub.close();
    await pubsubEmulator.close();
    await firestore.stop();
  }
}
