/**
 * `stackctl start` (what `npm start` runs) as a real process: it becomes ready, prints where
 * everything runs, and stops cleanly on SIGTERM, removing its stack file and keeping its state.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../..');

describe('stackctl start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stackctl-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('boots, reports its endpoints, and shuts down cleanly on SIGTERM', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, ['bin/stackctl.js', 'start', '--data-dir', dataDir, '--json', '--log-level', 'silent'], {
      cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code} ${signal}`)));
    try {
      const ready = await new Promise<any>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready after 90 s; stderr: ${stderr}`)), 90_000);
        const check = () => {
          const line = stdout.split('\n').find((l) => l.startsWith('{'));
          if (line) { clearTimeout(timer); resolve(JSON.parse(line)); }
        };
        child.stdout.on('data', check);
        child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code} before ready; stderr: ${stderr}`)); });
      });
      expect(ready).toMatchObject({ ready: true, projectId: 'local-project', dataDir });
      expect(ready.endpoints.pubsubEmulator).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(Object.values(ready.endpoints.functions).every((u) => /^http:\/\/127\.0\.0\.1:\d+\/$/.test(u as string))).toBe(true);
      expect(existsSync(join(dataDir, 'stack.json'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await exited;
    expect(code, `exit ${code}; child ${child.pid}; NODE_OPTIONS=${process.env.NODE_OPTIONS}; stdout:\n${stdout}\nstderr:\n${stderr}`).toBe('0 null');
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'state.sqlite'))).toBe(true);
    expect(stderr).toMatch(/SIGTERM: stopping the local stack/);
  });
});
