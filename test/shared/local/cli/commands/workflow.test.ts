import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../../shared/local/cli/main.ts';

let dir: string;
let out: string[];

beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'wf-cli-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });
afterEach(() => { vi.restoreAllMocks(); process.exitCode = undefined; });

async function cli(...args: string[]): Promise<{ stdout: string; exitCode: number }> {
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; });
  await main(['node', 'stackctl', '--data-dir', join(dir, 'data'), ...args]);
  return { stdout: out.join(''), exitCode: Number(process.exitCode ?? 0) };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('stackctl workflow run', () => {
  it('prints {"state":"SUCCEEDED","result":...} and exits 0', async () => {
    const f = file('ok.yaml', 'main:\n  params: [a]\n  steps:\n    - r:\n        return: ${a.x * 2}\n');
    const r = await cli('workflow', 'run', f, '--args', '{"x":21}', '--json');
    expect(JSON.parse(r.stdout)).toEqual({ state: 'SUCCEEDED', result: 42 });
    expect(r.exitCode).toBe(0);
  });

  it('prints {"state":"FAILED","error":{...}} and exits 1', async () => {
    const f = file('bad.yaml', '- boom:\n    raise: {message: "no", code: 3}\n');
    const r = await cli('workflow', 'run', f, '--json');
    const parsed = JSON.parse(r.stdout) as { state: string; error: { payload: string; context: string } };
    expect(parsed.state).toBe('FAILED');
    expect(JSON.parse(parsed.error.payload)).toEqual({ message: 'no', code: 3 });
    expect(r.exitCode).toBe(1);
  });

  it('--trace prints the history; virtual time makes a long sleep instant', async () => {
    const f = file('trace.yaml', '- wait:\n    call: sys.sleep\n    args: {seconds: 3600}\n- r:\n    return: done\n');
    const r = await cli('workflow', 'run', f, '--trace', '--virtual-time');
    expect(r.stdout).toMatch(/history \(2 steps\):/);
    expect(r.stdout).toMatch(/main\.wait \(call\) SUCCEEDED/);
    expect(r.stdout).toMatch(/\{"state":"SUCCEEDED","result":"done"\}/);
  });

  it('refuses an invalid workflow with the step and reason, and bad --args', async () => {
    const f = file('invalid.yaml', '- s:\n    next: nowhere\n');
    const r = await cli('workflow', 'run', f);
    expect(r.stdout).toMatch(/step "s".*"nowhere" does not exist/);
    expect(r.exitCode).toBe(1);
    const g = file('fine.yaml', '- r:\n    return: 1\n');
    expect((await cli('workflow', 'run', g, '--args', '{nope')).stdout).toMatch(/--args is not valid JSON/);
  });

  it('runs connectors against an in-process gcp-sim when no stack is running', async () => {
    const f = file('sql.yaml', `
- get:
    call: googleapis.sqladmin.v1.instances.get
    args:
      project: \${sys.get_env("GOOGLE_CLOUD_PROJECT_ID")}
      instance: zenml-metadata
    result: inst
- r:
    return: \${inst.name}
`);
    const r = await cli('workflow', 'run', f, '--virtual-time', '--json');
    expect(JSON.parse(r.stdout)).toEqual({ state: 'SUCCEEDED', result: 'zenml-metadata' });
  });
});

describe('stackctl workflow run: sys.log', () => {
  it('prints each log line while the run goes, not only after it', async () => {
    let seenWhileRunning: boolean | undefined;
    const server = createServer((_req, res) => {
      seenWhileRunning = out.join('').includes('log 2026') && out.join('').includes('INFO: half way');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const f = file('logs.yaml', `
main:
  params: [a]
  steps:
    - say:
        call: sys.log
        args:
          text: half way
          severity: INFO
    - ask:
        call: http.get
        args:
          url: \${a.url}
    - r:
        return: done
`);
      const r = await cli('workflow', 'run', f, '--args', JSON.stringify({ url }), '--json');
      expect(seenWhileRunning).toBe(true);
      expect(r.exitCode).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('stackctl workflow validate', () => {
  it('says a fully runnable workflow is valid and exits 0', async () => {
    const r = await cli('workflow', 'validate', file('plain.yaml', '- r:\n    return: 1\n'));
    expect(r.stdout).toMatch(/plain\.yaml: valid; every call runs on the local engine/);
    expect(r.exitCode).toBe(0);
  });

  it('names the unsupported connectors and modules with their steps, lists the simulated services, exits 2', async () => {
    const f = file('bq.yaml', `
- q:
    call: googleapis.bigquery.v2.jobs.query
    args:
      projectId: p
      body: {query: "SELECT 1"}
- k:
    call: gke.request
    args: {project: p}
- s:
    call: googleapis.secretmanager.v1.projects.secrets.versions.accessString
    args: {secret_id: x}
`);
    const r = await cli('workflow', 'validate', f);
    expect(r.stdout).toMatch(/step "q" \(main\.steps\[0\]\): googleapis\.bigquery\.v2\.jobs\.query: the bigquery connector is not simulated/);
    expect(r.stdout).toMatch(/step "k" \(main\.steps\[1\]\): gke\.request: the gke module is not implemented/);
    expect(r.stdout).not.toMatch(/step "s"/);
    expect(r.stdout).toMatch(/simulated services: pubsub, secretmanager, sqladmin, storage, workflowexecutions/);
    expect(r.exitCode).toBe(2);
    const j = JSON.parse((await cli('workflow', 'validate', f, '--json')).stdout) as { simulatedServices: string[]; files: { valid: boolean; unsupported: { service: string }[] }[] };
    expect(j.simulatedServices).toContain('storage');
    expect(j.files[0].unsupported.map((u) => u.service)).toEqual(['bigquery', 'gke']);
  });

  it('lists the issues of an invalid file and exits 1', async () => {
    const r = await cli('workflow', 'validate', file('broken.yaml', '- s:\n    next: nowhere\n'));
    expect(r.stdout).toMatch(/broken\.yaml: invalid\n {2}- step "s" \(main\.steps\[0\]\): "next" target "nowhere" does not exist/);
    expect(r.exitCode).toBe(1);
  });
});
