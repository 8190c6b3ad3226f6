/**
 * Chaos: bursts on one Cloud SQL instance, duplicate storms, and SIGKILL of the instance doing
 * the work mid-burst. Everything runs in virtual time against gcp-sim through the production
 * adapters; each scenario asserts 0 lost, 0 duplicate effects, 0 leaks, 0 dead letters.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../shared/events/topics.ts';
import { ChaosCloud, COMPLETE, figures, flowOfTopic, workspaceInventory, workspaceRequest, type Worker } from './harness.ts';

let cloud: ChaosCloud;
beforeEach(async () => { cloud = await ChaosCloud.start(); });
afterEach(async () => cloud.close());

async function settledRuns() {
  return cloud.store.listRuns({ flow: 'provisioning', limit: 10_000 });
}

async function expectComplete(worker: Worker, workspaces: string[]): Promise<number> {
  let leaks = 0;
  for (const ws of workspaces) {
    const inv = await workspaceInventory(worker.provisioning, ws);
    if (JSON.stringify(inv) !== JSON.stringify(COMPLETE)) leaks++;
    expect(inv, ws).toEqual(COMPLETE);
  }
  return leaks;
}

describe('chaos: bursts and duplicate storms on one instance', () => {
  it('50 workspace requests at once: all 50 succeed, none dead-lettered, no failed transition', async () => {
    const worker = cloud.worker('a');
    const workspaces = Array.from({ length: 50 }, (_, i) => `burst-${String(i).padStart(2, '0')}`);
    for (const [i, ws] of workspaces.entries()) await cloud.push.publish(TOPICS.provisioning, workspaceRequest(`req-burst-${i}`, ws));
    const wall = Date.now();
    const start = cloud.clock.now().getTime();
    await cloud.push.drain(() => worker, flowOfTopic);
    const runs = await settledRuns();
    expect(runs).toHaveLength(50);
    expect(runs.filter((r) => r.status !== 'succeeded').map((r) => `${r.key}: ${r.status} ${r.error?.message ?? ''}`)).toEqual([]);
    const leaks = await expectComplete(worker, workspaces);
    const ready = cloud.push.events.filter((e) => e.kind === 'WorkspaceReady');
    expect(ready).toHaveLength(50);
    expect(new Set(ready.map((e) => e.requestId)).size).toBe(50);
    expect(cloud.push.deadLetterTopic).toHaveLength(0);
    expect(await cloud.store.listDeadLetters()).toHaveLength(0);
    expect(cloud.push.nacks).toBe(0);
    const parked = (await cloud.store.queryAudit({ result: 'info', limit: 10_000 })).filter((a) => /parked/.test(a.reason ?? '')).length;
    figures('burst-50', {
      inputs: 50, lost: 0, duplicates: ready.length - 50, leaks, deadLetters: 0, nacks: cloud.push.nacks, parked,
      deliveries: cloud.push.outcomes.length, virtualMs: cloud.clock.now().getTime() - start, wallMs: Date.now() - wall,
    });
  });

  it('a storm of duplicates (10 requests × 10 copies) has exactly one effect per request', async () => {
    const worker = cloud.worker('a');
    const workspaces = Array.from({ length: 10 }, (_, i) => `storm-${i}`);
    for (let copy = 0; copy < 10; copy++) {
      for (const [i, ws] of workspaces.entries()) await cloud.push.publish(TOPICS.provisioning, workspaceRequest(`req-storm-${i}`, ws));
    }
    await cloud.push.drain(() => worker, flowOfTopic);
    const runs = await settledRuns();
    expect(runs.map((r) => r.status)).toEqual(Array(10).fill('succeeded'));
    const leaks = await expectComplete(worker, workspaces);
    const ready = cloud.push.events.filter((e) => e.kind === 'WorkspaceReady');
    expect(ready).toHaveLength(10);
    const duplicates = (await cloud.store.queryAudit({ result: 'duplicate', limit: 10_000 })).length;
    expect(cloud.push.deadLetterTopic).toHaveLength(0);
    expect(await cloud.store.listDeadLetters()).toHaveLength(0);
    figures('duplicate-storm', { inputs: 100, effects: ready.length, duplicateEffects: ready.length - 10, duplicateDeliveriesAbsorbed: duplicates, leaks, lost: 0, deadLetters: 0 });
  });
});

describe('chaos: SIGKILL mid-burst and restart', () => {
  it('a killed instance\'s runs are resumed by the next one within a lease TTL and finish exactly once', async () => {
    const a = cloud.worker('a');
    const b = cloud.worker('b');
    let current = a;
    const workspaces = Array.from({ length: 20 }, (_, i) => `crash-${String(i).padStart(2, '0')}`);
    for (const [i, ws] of workspaces.entries()) await cloud.push.publish(TOPICS.provisioning, workspaceRequest(`req-crash-${i}`, ws));

    let killAt = 0;
    let killWall = 0;
    const inFlightAtKill = new Set<string>();
    const resumed = new Map<string, { virtualMs: number; wallMs: number }>();
    b.onRunUpdate = (id, patch) => {
      if (patch.status === 'running' && inFlightAtKill.has(id) && !resumed.has(id)) {
        resumed.set(id, { virtualMs: cloud.clock.now().getTime() - killAt, wallMs: Date.now() - killWall });
      }
    };
    // Kill when 16 of the 20 runs are in flight (started, not finished), as in the measured incident.
    const killer = (async () => {
      for (let poll = 0; poll < 100_000; poll++) {
        await cloud.clock.sleep(50);
        const runs = await cloud.store.listRuns({ flow: 'provisioning' });
        const open = runs.filter((r) => r.status === 'running' || r.status === 'retrying');
        if (open.length >= 16 || runs.filter((r) => r.status === 'succeeded').length >= 4) {
          for (const r of open) inFlightAtKill.add(r.id);
          killAt = cloud.clock.now().getTime();
          killWall = Date.now();
          a.kill();
          current = b;
          return;
        }
      }
    })();
    await cloud.push.drain(() => current, flowOfTopic);
    await killer;

    expect(a.state.killed).toBe(true);
    expect(inFlightAtKill.size).toBeGreaterThanOrEqual(10);
    const runs = await settledRuns();
    expect(runs).toHaveLength(20);
    expect(runs.filter((r) => r.status !== 'succeeded').map((r) => `${r.key}: ${r.status} ${r.error?.message ?? ''}`)).toEqual([]);
    const leaks = await expectComplete(b, workspaces);
    // Exactly once: one WorkspaceReady per request, and no run finished twice.
    const ready = cloud.push.events.filter((e) => e.kind === 'WorkspaceReady');
    expect(new Set(ready.map((e) => e.requestId)).size).toBe(20);
    expect(ready).toHaveLength(20);
    expect(cloud.push.deadLetterTopic).toHaveLength(0);
    expect(await cloud.store.listDeadLetters()).toHaveLength(0);
    // Every run the dead instance had in flight was taken over by the new one.
    expect([...inFlightAtKill].filter((id) => !resumed.has(id))).toEqual([]);
    const times = [...resumed.values()];
    const maxVirtual = Math.max(...times.map((t) => t.virtualMs));
    expect(maxVirtual).toBeLessThan(60_000);
    figures('sigkill-mid-burst', {
      inputs: 20, crashes: 1, inFlightAtKill: inFlightAtKill.size, lost: 0, duplicates: ready.length - 20, leaks, deadLetters: 0,
      resumeVirtualMsMedian: median(times.map((t) => t.virtualMs)), resumeVirtualMsMax: maxVirtual,
      resumeWallMsMedian: median(times.map((t) => t.wallMs)), resumeWallMsMax: Math.max(...times.map((t) => t.wallMs)),
    });
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
