/**
 * The README's commands, run as written in a throwaway stack: every `stackctl` command of the local
 * sections against a local stack, and the production runbook's `stackctl --project` and
 * `gcloud pubsub topics publish` commands against a rehearsal of a project (the functions on the
 * Firestore emulator, gcp-sim's Workflow Executions and Pub/Sub REST API; gated on
 * FIRESTORE_EMULATOR_HOST). A command that is not run must be listed, with the reason, in the
 * README's "What the README test does not run".
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FirestoreStateStore } from '../shared/adapters/gcp/firestore-state-store.ts';
import type { StateStore } from '../shared/ports/state-store.ts';
import { cliEnv, REPO_ROOT, STACK_FRAME } from './support/cli.ts';
import { eventually, startTestStack } from './support/stack.ts';

interface ReadmeCommand { text: string; section: string }

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const RUNBOOK = '## Production runbook';

/** The text before an unquoted `#` comment. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) { if (ch === quote) quote = undefined; continue; }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

export function readmeCommands(text: string): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  let section = '';
  let inBlock = false;
  let pending = '';
  for (const line of text.split('\n')) {
    if (!inBlock && line.startsWith('## ')) section = line;
    if (line.startsWith('```')) {
      inBlock = !inBlock && line.trim() === '```sh';
      continue;
    }
    if (!inBlock) continue;
    const code = stripComment(line);
    if (code.endsWith('\\')) { pending += `${code.slice(0, -1).trimEnd()} `; continue; }
    const full = `${pending}${code}`.trim();
    pending = '';
    if (full) out.push({ text: full.replace(/\s+/g, ' '), section });
  }
  return out;
}

/** First column of "What the README test does not run": command prefixes in backticks. */
function notRun(text: string): string[] {
  const table = text.slice(text.indexOf('### What the README test does not run'));
  return table.split('\n').filter((l) => l.startsWith('| `')).flatMap((l) => [...l.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

const commands = readmeCommands(README);
const skipped = notRun(README);
const runnable = (c: ReadmeCommand) => /^npx stackctl /.test(c.text) || (c.section === RUNBOOK && /^gcloud pubsub topics publish /.test(c.text));
const listedAsNotRun = (c: ReadmeCommand) => skipped.some((prefix) => c.text.startsWith(prefix));

interface Shell { env: NodeJS.ProcessEnv; store: () => StateStore }

function run(command: string, shell: Shell): Promise<{ code: number | null; out: string }> {
  const text = command.replaceAll('npx stackctl', `${JSON.stringify(process.execPath)} ${JSON.stringify(join(REPO_ROOT, 'bin', 'stackctl.js'))}`);
  return new Promise((done) => {
    const child = spawn('bash', ['-c', text], { cwd: REPO_ROOT, env: shell.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    child.once('close', (code) => { clearTimeout(timer); done({ code, out }); });
  });
}

/** Replaces <run>, <execution>, <dead-letter> with what the stack holds at that moment. */
async function fill(command: string, shell: Shell): Promise<string> {
  const store = shell.store();
  let text = command;
  if (text.includes('<run>')) text = text.replace('<run>', (await store.listRuns({ limit: 1 }))[0]!.id.slice(0, 8));
  if (text.includes('<execution>')) {
    const waiting = await eventually(async () => (await store.listRuns({ flow: 'alerts', status: 'awaiting-approval', limit: 1 }))[0], 'a restore waiting for approval', 90_000);
    const execution = waiting.refs!.execution!;
    // The workflow registers its callback a moment after the run turns awaiting-approval.
    await eventually(async () => ((await (await fetch(`${shell.env.STACKCTL_WORKFLOWS_ENDPOINT ?? shell.env.GCP_SIM}/v1/${execution}/callbacks`, { headers: { authorization: 'Bearer x' } })).json()) as { callbacks?: unknown[] }).callbacks?.length, 'the approval callback', 60_000);
    text = text.replace('<execution>', execution.split('/').at(-1)!);
  }
  if (text.includes('<dead-letter>')) {
    text = text.replace('<dead-letter>', (await eventually(async () => (await store.listDeadLetters({ limit: 1 }))[0], 'a dead letter', 60_000)).id);
  }
  return text;
}

async function runAll(list: ReadmeCommand[], shell: Shell): Promise<void> {
  for (const command of list) {
    const text = await fill(command.text, shell);
    const r = await run(text, shell);
    expect(r.code, `${text}\n${r.out}`).toBe(0);
    expect(r.out, text).not.toMatch(STACK_FRAME);
  }
}

const stacks: Array<Awaited<ReturnType<typeof startTestStack>>> = [];
afterAll(async () => { for (const s of stacks) await s.cleanup(); });

describe('README commands', () => {
  it('every command is either run here or listed as not run, with the reason', () => {
    expect(commands.length).toBeGreaterThan(30);
    const unaccounted = commands.filter((c) => !runnable(c) && !listedAsNotRun(c)).map((c) => c.text);
    expect(unaccounted).toEqual([]);
  });

  it('the local sections, as written, in a throwaway stack', { timeout: 600_000 }, async () => {
    const stack = await startTestStack({ followIntervalMs: 100 });
    stacks.push(stack);
    const shell: Shell = { env: { ...cliEnv({ STACKCTL_DATA_DIR: stack.dataDir }), GCP_SIM: stack.info.endpoints.gcpSim }, store: () => stack.container.deps.store };
    await runAll(commands.filter((c) => c.section !== RUNBOOK && runnable(c) && !listedAsNotRun(c)), shell);
  });

  const firestore = process.env.FIRESTORE_EMULATOR_HOST;
  it.runIf(firestore)(firestore
    ? 'the production runbook against a rehearsal project (Firestore emulator, gcp-sim, Pub/Sub emulator)'
    : 'the production runbook: skipped, it needs FIRESTORE_EMULATOR_HOST (.ci/run starts Google\'s Firestore emulator)', { timeout: 600_000 }, async () => {
    const projectId = `rb-${Date.now().toString(36)}`;
    // The functions on the Firestore store, as deployed; the CLI reads it with --project.
    const stack = await startTestStack({ projectId, followIntervalMs: 100, store: new FirestoreStateStore({ projectId }) });
    stacks.push(stack);
    const gcloudConfig = mkdtempSync(join(tmpdir(), 'stackctl-gcloud-'));
    const token = join(gcloudConfig, 'token');
    writeFileSync(token, 'rehearsal-token');
    const shell: Shell = {
      env: {
        ...cliEnv({ FIRESTORE_EMULATOR_HOST: firestore, PUBSUB_EMULATOR_HOST: stack.info.endpoints.pubsubEmulator, STACKCTL_WORKFLOWS_ENDPOINT: stack.info.endpoints.gcpSim }),
        PROJECT: projectId,
        // gcloud publishes through gcp-sim's Pub/Sub REST API, which forwards to the emulator.
        CLOUDSDK_CONFIG: gcloudConfig, CLOUDSDK_CORE_DISABLE_PROMPTS: '1', CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: token,
        CLOUDSDK_API_ENDPOINT_OVERRIDES_PUBSUB: `${stack.info.endpoints.gcpSim}/`,
      },
      store: () => stack.container.deps.store,
    };
    // The subscription Terraform adds on cp-events (control-plane/events.tf), which the local stack does not create.
    await stack.pubsub.topic('cp-events').createSubscription('cp-events-sub');
    let gcloud = true;
    try { execFileSync('gcloud', ['--version'], { stdio: 'ignore', env: shell.env }); } catch { gcloud = false; }
    const list = commands.filter((c) => c.section === RUNBOOK && runnable(c) && !listedAsNotRun(c) && (gcloud || !c.text.startsWith('gcloud')));
    expect(list.length).toBeGreaterThan(15);
    await runAll(list, shell);
  });
});
