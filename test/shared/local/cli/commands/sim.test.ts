import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startStandaloneSim } from '../../../../../shared/local/cli/commands/sim.ts';

const dir = mkdtempSync(join(tmpdir(), 'stackctl-sim-'));
writeFileSync(join(dir, 'add.yaml'), 'main:\n  params: [args]\n  steps:\n    - done:\n        return: ${args.x + 1}\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const auth = { authorization: 'Bearer t', 'content-type': 'application/json' };

describe('startStandaloneSim', () => {
  it('serves every simulated API, loads fault rules, runs workflows and persists on close', async () => {
    const persistFile = join(dir, 'inproc', 'gcp-sim.json');
    const { sim, close } = await startStandaloneSim({
      port: 0, projectId: 'demo-project', persistFile, workflowsDir: dir,
      faults: { faults: [{ method: 'argocd.applications.get', code: 503, times: 1 }] },
    });
    try {
      const summary = await (await fetch(`${sim.url}/__sim/summary`)).json() as Record<string, unknown>;
      for (const name of ['sqladmin', 'secretmanager', 'storage', 'artifactregistry', 'monitoring', 'cloudbilling', 'argocd', 'workflowexecutions']) {
        expect(summary, name).toHaveProperty(name);
      }
      expect((await fetch(`${sim.url}/api/v1/applications/mlflow`, { headers: auth })).status).toBe(503);
      expect((await fetch(`${sim.url}/api/v1/applications/mlflow`, { headers: auth })).status).toBe(200);
      const created = await (await fetch(`${sim.url}/v1/projects/demo-project/locations/us-central1/workflows/add/executions`, {
        method: 'POST', headers: auth, body: JSON.stringify({ argument: '{"x":1}' }),
      })).json() as { name: string; state: string };
      expect(created.name).toContain('/workflows/add/executions/');
    } finally {
      await close();
    }
    const saved = JSON.parse(readFileSync(persistFile, 'utf8')) as Record<string, unknown>;
    expect(saved).toHaveProperty('argocd');
    expect(saved).toHaveProperty('monitoring');
  });
});

describe('startStandaloneSim with --pubsub-emulator', () => {
  it('adds the Pub/Sub REST bridge to that emulator', async () => {
    const { startPubsubEmulator } = await import('../../../../../shared/local/pubsub/emulator.ts');
    const emulator = await startPubsubEmulator();
    const { sim, close } = await startStandaloneSim({ port: 0, projectId: 'demo-project', workflowsDir: dir, pubsubEmulatorHost: emulator.host });
    try {
      expect(Object.keys(sim.summary())).toContain('pubsub');
      const created = await fetch(`${sim.url}/v1/projects/demo-project/topics/bridge-test`, { method: 'PUT', headers: auth, body: '{}' });
      expect(created.status).toBe(200);
      expect(emulator.topics().map((t) => t.name)).toContain('projects/demo-project/topics/bridge-test');
    } finally {
      await close();
      await emulator.close();
    }
  });
});

function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['bin/stackctl.js', ...args], { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('stackctl sim', () => {
  it('starts on a free port, answers, and stops on SIGTERM leaving DIR/gcp-sim.json', async () => {
    const dataDir = join(dir, 'cli');
    const run = runCli(['--json', '--data-dir', dataDir, 'sim', '--port', '0', '--workflows-dir', dir]);
    let info: { url: string; persistFile: string } | undefined;
    for (let i = 0; i < 300 && !info; i++) {
      try { info = JSON.parse(run.out()); } catch { await new Promise((r) => setTimeout(r, 50)); }
    }
    expect(info, run.err()).toBeDefined();
    expect(info!.persistFile).toBe(join(dataDir, 'gcp-sim.json'));
    const res = await fetch(`${info!.url}/v1/services`, { headers: auth });
    expect(res.status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(existsSync(join(dataDir, 'gcp-sim.json'))).toBe(true);
  });

  it('explains a missing --faults file and a bad port', async () => {
    const { main } = await import('../../../../../shared/local/cli/main.ts');
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { written.push(String(chunk)); return true; });
    try {
      await main(['node', 'stackctl', 'sim', '--port', '0', '--faults', join(dir, 'nope.json')]);
      await main(['node', 'stackctl', 'sim', '--port', 'eighty']);
      expect(process.exitCode).toBe(1);
    } finally {
      spy.mockRestore();
      process.exitCode = 0;
    }
    expect(written.join('')).toContain('--faults: no such file');
    expect(written.join('')).toContain('--port must be an integer');
  });

  it('prints one line per real Google client that works as printed', async () => {
    const { startPubsubEmulator } = await import('../../../../../shared/local/pubsub/emulator.ts');
    const emulator = await startPubsubEmulator();
    const run = runCli(['sim', '--port', '0', '--workflows-dir', dir, '--project', 'local-project', '--pubsub-emulator', emulator.host]);
    try {
      for (let i = 0; i < 300 && !run.out().includes('stop with Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
      const printed = [...run.out().matchAll(/^ {4}(@google-cloud\/[a-z-]+): (.+)$/gm)].map((m) => ({ client: m[1]!, code: m[2]! }));
      expect(printed.map((p) => p.client).sort(), run.out() + run.err()).toEqual(Object.keys(PROBES).sort());
      // Each line runs exactly as printed, followed by a real call through that client.
      const requireFromRepo = createRequire(join(process.cwd(), 'package.json'));
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (req: NodeRequire) => Promise<unknown>;
      for (const { client, code } of printed) {
        const [probe, expected] = PROBES[client]!;
        const result = await new AsyncFunction('require', `${code}\ntry { ${probe} } finally { await client.close?.(); }`)(requireFromRepo);
        expect(result, client).toEqual(expected);
      }
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
      await emulator.close();
    }
  });
});

/** A call through each client and what it returns against a fresh gcp-sim. */
const PROBES: Record<string, [string, unknown]> = {
  '@google-cloud/storage': [`
    await client.createBucket('printed-setup');
    await client.bucket('printed-setup').file('note.txt').save('hello', { resumable: false });
    await client.bucket('printed-setup').file('big.bin').save(Buffer.alloc(300000, 7), { resumable: true });
    const [files] = await client.bucket('printed-setup').getFiles();
    const [data] = await client.bucket('printed-setup').file('note.txt').download();
    return [files.map((f) => f.name), data.toString()];`, [['big.bin', 'note.txt'], 'hello']],
  '@google-cloud/secret-manager': [`
    const [secret] = await client.createSecret({ parent: 'projects/local-project', secretId: 'printed-setup', secret: { replication: { automatic: {} } } });
    return secret.name;`, 'projects/local-project/secrets/printed-setup'],
  '@google-cloud/sql': [`const [res] = await client.list({ project: 'local-project' }); return Array.isArray(res.items);`, true],
  '@google-cloud/monitoring': [`
    const [series] = await client.listTimeSeries({ name: 'projects/local-project', filter: 'metric.type = "custom.googleapis.com/printed_setup"',
      interval: { startTime: { seconds: 1 }, endTime: { seconds: Math.floor(Date.now() / 1000) } } });
    return series.length;`, 0],
  '@google-cloud/billing': [`const [services] = await client.listServices({}); return services.length > 0;`, true],
  '@google-cloud/artifact-registry': [`const [repos] = await client.listRepositories({ parent: 'projects/local-project/locations/us-central1' }); return Array.isArray(repos);`, true],
  '@google-cloud/workflows': [`
    const [execution] = await client.createExecution({ parent: 'projects/local-project/locations/us-central1/workflows/add', execution: { argument: '{"x":1}' } });
    return execution.name.includes('/workflows/add/executions/');`, true],
  '@google-cloud/pubsub': [`const [topic] = await client.createTopic('printed-setup'); return topic.name;`, 'projects/local-project/topics/printed-setup'],
};
