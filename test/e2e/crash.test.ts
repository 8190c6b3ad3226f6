/**
 * A real SIGKILL: `stackctl start` as a process, 20 workspace creates in flight, `kill -9`, and a
 * new `stackctl start` on the same data directory. The new instance resumes the dead one's runs
 * once their leases end; every workspace is created exactly once and nothing is dead-lettered.
 * The clock runs 10x (leases of 20 s last 2 s), so this stays a short test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PubSub } from '@google-cloud/pubsub';
import { emulatorPubsubOptions } from '../../shared/adapters/local/pubsub-options.ts';
import { openSqliteStateStore } from '../../shared/adapters/local/sqlite-state-store.ts';
import { systemClock } from '../../shared/runtime/system-clock.ts';
import { localEndpoint } from '../../shared/local/stack/local-endpoint.ts';
import { provisioningDeps } from '../../shared/runtime/adapters/provisioning.ts';
import { loadConfig } from '../../shared/runtime/config.ts';
import { eventually } from '../support/stack.ts';

const repo = join(import.meta.dirname, '../..');
const SPEED = 10;

function start(dataDir: string): { child: ChildProcess; ready: Promise<any>; exited: Promise<string> } {
  const child = spawn(process.execPath, ['bin/stackctl.js', 'start', '--data-dir', dataDir, '--json', '--log-level', 'silent', '--clock-speed', String(SPEED)], {
    cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const ready = new Promise<any>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 90 s; stderr: ${stderr}`)), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) { clearTimeout(timer); resolve(JSON.parse(line)); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code} before ready; stderr: ${stderr}`)); });
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code} ${signal}`)));
  return { child, ready, exited };
}

describe('SIGKILL mid-burst and restart (real processes)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stackctl-crash-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the restarted stack resumes every run the killed one had in flight, once, with nothing dead-lettered', { timeout: 240_000 }, async () => {
    const first = start(dataDir);
    children.push(first.child);
    const info = await first.ready;
    const client = new PubSub(emulatorPubsubOptions(info.projectId, info.endpoints.pubsubEmulator));
    const workspaces = Array.from({ length: 20 }, (_, i) => `kill-${String(i).padStart(2, '0')}`);
    await Promise.all(workspaces.map((ws, i) => client.topic('cp-provisioning-requests').publishMessage({
      json: { apiVersion: 'stackctl/v1', kind: 'WorkspaceRequest', requestId: `req-kill-${i}`, action: 'create', workspace: ws, environment: 'dev', requestedBy: 'chaos@example.com' },
    })));
    await client.close();

    const store = openSqliteStateStore(join(dataDir, 'state.sqlite'));
    let inFlight: string[] = [];
    try {
      inFlight = await eventually(async () => {
        const runs = await store.listRuns({ flow: 'provisioning' });
        const open = runs.filter((r) => r.status === 'running' || r.status === 'retrying').map((r) => r.id);
        return open.length >= 10 || runs.filter((r) => r.status === 'succeeded').length >= 5 ? open : undefined;
      }, 'runs in flight', 90_000);
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('null SIGKILL');
      const killedAt = Date.now();

      const second = start(dataDir);
      children.push(second.child);
      const info2 = await second.ready;
      const bootedAt = Date.now();
      // When every run the dead process held has been taken over (a second attempt started).
      await eventually(async () => {
        for (const id of inFlight) if (((await store.getRun(id))?.attempts ?? 0) < 2) return undefined;
        return true;
      }, 'the dead process\'s runs to be taken over', 120_000);
      const resumedAfterKill = Date.now() - killedAt;
      const resumedAfterBoot = Date.now() - bootedAt;
      const runs = await eventually(async () => {
        const list = await store.listRuns({ flow: 'provisioning' });
        return list.length === 20 && list.every((r) => ['succeeded', 'failed'].includes(r.status)) ? list : undefined;
      }, 'every run to finish after the restart', 180_000);
      const wallToFinish = Date.now() - killedAt;
      expect(runs.filter((r) => r.status !== 'succeeded').map((r) => `${r.key}: ${r.error?.message}`)).toEqual([]);
      expect(await store.listDeadLetters()).toEqual([]);
      // The runs the dead process held were resumed (a second attempt), not started afresh.
      for (const id of inFlight) expect((await store.getRun(id))?.attempts, id).toBeGreaterThanOrEqual(2);

      const config = loadConfig({ ...process.env, GOOGLE_CLOUD_PROJECT: info2.projectId, STACKCTL_GCP_SIM_URL: info2.endpoints.gcpSim });
      const p = provisioningDeps(localEndpoint(config), systemClock);
      const databases = (await p.sql.listDatabases('zenml-metadata')).map((d) => d.name);
      const users = (await p.sql.listUsers('zenml-metadata')).map((u) => u.name);
      for (const ws of workspaces) {
        const snake = `ws_${ws.replace(/-/g, '_')}`;
        expect(databases.filter((d) => d === snake), ws).toHaveLength(1);
        expect(users.filter((u) => u === snake), ws).toHaveLength(1);
        expect(await p.secrets.getSecret(`ws-${ws}-db`), ws).not.toBeNull();
        expect(await p.objects.getBucket(`local-project-ws-${ws}-artifacts`), ws).not.toBeNull();
        expect(await p.registry.getRepository('us-central1', `ws-${ws}`), ws).not.toBeNull();
      }
      console.info(`[chaos] real-sigkill: inputs=20 crashes=1 inFlightAtKill=${inFlight.length} lost=0 deadLetters=0 wallMsKillToAllResumed=${resumedAfterKill} (of which restart ${resumedAfterKill - resumedAfterBoot}) wallMsKillToAllDone=${wallToFinish} clockSpeed=${SPEED}`);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe('0 null');
    } finally {
      await store.close();
    }
  });
});
