/**
 * stackctl end to end on a real local stack, as a person runs it: `publish --wait` (exit 0 on
 * success, 1 on a failed or dead-lettered run, the progress lines), `runs --watch`, `reject`,
 * a refused restore leaving no cooldown, `start`'s readable logs, and `demo` on Ctrl-C.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack } from '../support/stack.ts';
import { REPO_ROOT, runCli, STACK_FRAME } from '../support/cli.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
const files = mkdtempSync(join(tmpdir(), 'stackctl-cli-e2e-'));
const example = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'examples', name), 'utf8'));
const cli = (args: string[], options: Parameters<typeof runCli>[1] = {}) => runCli(['--data-dir', stack.dataDir, ...args], options);

beforeAll(async () => {
  stack = await startTestStack({ followIntervalMs: 100 });
}, 120_000);
afterAll(async () => stack?.cleanup());

describe('publish --wait', () => {
  it('follows a run to success: exit 0 and a line per step', { timeout: 120_000 }, async () => {
    const r = await cli(['publish', 'provisioning', '--file', 'examples/workspace-create.json', '--wait']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^published \S+ to cp-provisioning-requests on the local stack in .*; following its run/);
    expect(r.stdout).toMatch(/^run [0-9a-f-]{36} \(provisioning, workspace:team-alpha\)$/m);
    for (const step of ['plan', 'create-database', 'create-secret', 'create-user', 'create-bucket']) expect(r.stdout).toMatch(new RegExp(`^\\s+\\d+\\. ${step}\\s+succeeded\\s+\\+\\S+`, 'm'));
    expect(r.stdout).toMatch(/^ {2}status succeeded$/m);
    expect(lines.filter(Boolean).at(-1)).toMatch(/^run [0-9a-f]{8} succeeded after \S+$/);
    expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME);

    // The same message again is a duplicate: said so, not run again.
    await new Promise((done) => setTimeout(done, 1500));
    const again = await cli(['publish', 'provisioning', '--file', 'examples/workspace-create.json', '--wait']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/duplicate: run [0-9a-f-]{36} \(succeeded, created .*\) already has this message's key provisioning:req-7f3a9c/);
  });

  it('exits 1 on a run that fails, with the step and the error', { timeout: 120_000 }, async () => {
    await fetch(`${stack.info.endpoints.gcpSim}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: 'sqladmin.databases.insert', code: 403, message: 'the caller does not have permission', times: 1 }) });
    const request = { ...example('workspace-create.json'), requestId: 'req-cli-fails', workspace: 'team-failing' };
    const r = await cli(['publish', 'provisioning', '--data', JSON.stringify(request), '--wait']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^\s+\d+\. create-database\s+failed/m);
    expect(r.stdout).toMatch(/^ {2}status failed$/m);
    expect(r.stdout).toMatch(/^run [0-9a-f]{8} failed after \S+: .*permission/m);
  });

  it('exits 1 on a message that is dead-lettered, naming the dead letter', { timeout: 60_000 }, async () => {
    const r = await cli(['publish', 'budget', '--data', '{"budgetDisplayName": 42}', '--no-validate', '--wait', '--timeout', '30']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^dead-lettered: .* \(dead letter \S+; `stackctl dead-letters replay \S+` once fixed\)$/m);
  });
});

describe('remediations from the CLI', () => {
  it('runs --watch prints a line when a run changes; Ctrl-C ends it with exit 0', { timeout: 90_000 }, async () => {
    let sent = false;
    const watched = runCli(['--data-dir', stack.dataDir, 'runs', '--watch', '--interval', '0.2'], {
      onStdout: (_chunk, child) => {
        if (!sent && /watching for changes/.test(_chunk)) {
          sent = true;
          void runCli(['--data-dir', stack.dataDir, 'publish', 'alert', '--file', 'examples/incident-redeploy.json']).then(async () => {
            await eventually(async () => (await stack.container.deps.store.listRuns({ flow: 'alerts' })).some((run) => run.status === 'succeeded'), 'the redeploy to finish', 60_000);
            await new Promise((done) => setTimeout(done, 500));
            child.kill('SIGINT');
          });
        }
      },
    });
    const r = await watched;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d {2}[0-9a-f]{8} {2}alerts {2}\S+ {2}incident:\S+ .*new$/m);
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d {2}[0-9a-f]{8} {2}alerts {2}succeeded/m);
  });

  it('reject says the run turns cancelled, and it does; a rejection leaves no cooldown', { timeout: 120_000 }, async () => {
    const published = await cli(['publish', 'alert', '--file', 'examples/incident-pitr.json']);
    expect(published.stderr).toMatch(/note: examples\/incident-pitr\.json: incident\.started_at set to/);
    const run = await eventually(async () => {
      const found = await stack.container.deps.store.getRunByKey('alerts:0.pitr4c0rrupt:open');
      return found?.status === 'awaiting-approval' ? found : undefined;
    }, 'the restore to wait for approval', 60_000);
    const execution = run.refs!.execution!;
    await eventually(async () => ((await (await fetch(`${stack.info.endpoints.gcpSim}/v1/${execution}/callbacks`, { headers: { authorization: 'Bearer x' } })).json()) as { callbacks?: unknown[] }).callbacks?.length, 'the approval callback', 60_000);
    const r = await cli(['reject', execution, '--comment', 'not now']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`rejected ${execution}: the workflow ends without changes; run ${run.id} turns cancelled when it does (stackctl runs describe ${run.id})\n`);
    await eventually(async () => (await stack.container.deps.store.getRun(run.id))?.status === 'cancelled', 'the run to end cancelled', 60_000);
    const guardrails = JSON.parse((await cli(['guardrails', 'list', '--target', 'instance:zenml-metadata', '-o', 'json'])).stdout);
    expect(guardrails.targets[0].cooldownUntil).toBeUndefined();
  });

  it('a restore refused by the recovery window check fails (exit 1) and starts no cooldown', { timeout: 120_000 }, async () => {
    const stale = example('incident-pitr.json');
    stale.incident.incident_id = '0.pitr-stale';
    const file = join(files, 'incident-stale.json');
    writeFileSync(file, JSON.stringify(stale));
    const r = await cli(['publish', 'alert', '--file', file, '--wait', '--timeout', '90']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/run [0-9a-f]{8} failed after \S+: .*outside the recovery window.*nothing was changed/);
    const guardrails = JSON.parse((await cli(['guardrails', 'list', '--target', 'instance:zenml-metadata', '-o', 'json'])).stdout);
    expect(guardrails.targets[0]).toMatchObject({ target: 'instance:zenml-metadata', failures: [expect.objectContaining({ error: expect.stringMatching(/recovery window/) })] });
    expect(guardrails.targets[0].cooldownUntil).toBeUndefined();
    const reset = await cli(['guardrails', 'reset', 'breaker', '--target', 'instance:zenml-metadata']);
    expect(reset.stdout).toBe('breaker instance:zenml-metadata: reset (audited)\n');
  });
});

describe('start and demo', () => {
  it('start --log-format pretty prints one line per run transition; Ctrl-C stops it', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stackctl-start-'));
    let published = false;
    const started = runCli(['--data-dir', dataDir, 'start', '--log-format', 'pretty'], {
      onStdout: (chunk, child) => {
        if (!published && /local stack ready/.test(chunk)) {
          published = true;
          void runCli(['--data-dir', dataDir, 'publish', 'alert', '--file', 'examples/incident-test.json', '--wait']).then(() => child.kill('SIGINT'));
        }
      },
    });
    const r = await started;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d {2}INFO {3}alerts [0-9a-f]{8} {2}run finished {2}.*status=suppressed/m);
    expect(r.stdout).not.toMatch(/^\{"severity"/m);
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
  });

  it('demo on Ctrl-C stops its stack and removes its folder (exit 130)', { timeout: 120_000 }, async () => {
    let folder: string | undefined;
    const r = await runCli(['demo'], {
      onStdout: (chunk, child) => {
        const m = /booting a throwaway local stack in (\S+) /.exec(chunk);
        if (m) folder = m[1];
        if (/^== /m.test(chunk)) child.kill('SIGINT');
      },
    });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('demo stopped; its stack is down and its folder removed');
    expect(folder).toBeDefined();
    expect(existsSync(folder!)).toBe(false);
  });
});
