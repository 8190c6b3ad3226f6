/**
 * Every command's expected failures, run as a person would: one line (and a hint), exit 2 for a
 * usage mistake and 1 for a failure, and never a stack frame, on either stream.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStateStore } from '../../../../shared/adapters/local/sqlite-state-store.ts';
import { cliEnv, REPO_ROOT, runCli, STACK_FRAME } from '../../../support/cli.ts';

const empty = mkdtempSync(join(tmpdir(), 'stackctl-empty-'));
const withState = mkdtempSync(join(tmpdir(), 'stackctl-state-'));
const files = mkdtempSync(join(tmpdir(), 'stackctl-files-'));
const badJson = join(files, 'bad.json');
writeFileSync(badJson, '{\n  "version": "1.2",\n  "incident": {"incident_id": "x",}\n}\n');
mkdirSync(join(files, 'a-directory'));

beforeAll(async () => {
  const store = openSqliteStateStore(join(withState, 'state.sqlite'));
  // Enough runs that `runs -o json` overflows a pipe buffer (for the EPIPE case).
  for (let i = 0; i < 400; i++) await store.claim(`alerts:incident-${i}:open`, { id: `run-${String(i).padStart(4, '0')}-${'x'.repeat(30)}`, flow: 'alerts', target: `incident:${i}`, input: { note: 'y'.repeat(200) } });
  await store.close();
});
afterAll(() => undefined);

type Case = [name: string, args: string[], code: 1 | 2, expected: RegExp, env?: NodeJS.ProcessEnv];

const D = ['--data-dir', empty];
const S = ['--data-dir', withState];
const CASES: Case[] = [
  ['unknown option', ['--bogus'], 2, /unknown option '--bogus'/],
  ['unknown command', ['bogus'], 2, /unknown command 'bogus'/],
  ['bad -o', ['-o', 'xml', 'runs'], 2, /xml.*(choices|must be one of)/s],
  ['runs: unknown status', [...S, 'runs', '--status', 'bogus'], 2, /--status: unknown value "bogus"[\s\S]*hint: use one of: running/],
  ['runs: unknown flow', [...S, 'runs', '--flow', 'nope'], 2, /--flow: unknown value "nope"/],
  ['runs: bad limit', [...S, 'runs', '--limit', '0'], 2, /--limit must be an integer in 1..10000/],
  ['runs: bad interval', [...S, 'runs', '--watch', '--interval', 'soon'], 2, /--interval must be a number of seconds/],
  ['runs: no state', [...D, 'runs'], 1, /no state found in .* \(no state\.sqlite\)[\s\S]*hint: start it with/],
  ['runs describe: unknown run', [...S, 'runs', 'describe', 'nope'], 1, /no run with id nope in the local stack/],
  ['runs describe: not an id', [...S, 'runs', 'describe', 'a/b'], 2, /"a\/b" is not a run id/],
  ['runs: bad project id', ['runs', '--project', 'Not_A_Project'], 2, /--project must be a Google Cloud project id/],
  ['runs --project without ADC', ['runs', '--project', 'my-project-123'], 1, /no usable Application Default Credentials for project my-project-123[\s\S]*gcloud auth application-default login/],
  ['publish --project without ADC', ['publish', 'alert', '--file', 'examples/incident-test.json', '--project', 'my-project-123'], 1, /no usable Application Default Credentials for project my-project-123[\s\S]*gcloud auth application-default login/],
  ['approve --project without ADC', ['approve', 'abc-123', '--project', 'my-project-123'], 1, /no usable Application Default Credentials for project my-project-123/],
  ['dead-letters --project without ADC', ['dead-letters', '--project', 'my-project-123'], 1, /no usable Application Default Credentials/],
  ['audit: unknown run', [...S, 'audit', '--run', 'nope'], 1, /no run with id nope/],
  ['audit: unknown result', [...S, 'audit', '--result', 'meh'], 2, /--result: unknown value "meh"/],
  ['dead-letters: unknown flow', [...S, 'dead-letters', '--flow', 'x'], 2, /--flow: unknown value "x"/],
  ['dead-letters replay: unknown id', [...S, 'dead-letters', 'replay', 'nope'], 1, /no local stack is running|no dead letter with id nope/],
  ['events: no stack', [...D, 'events'], 1, /no local stack is running/],
  ['guardrails reset: unknown guardrail', [...S, 'guardrails', 'reset', 'everything'], 2, /unknown guardrail "everything"/],
  ['guardrails reset: unknown target', [...S, 'guardrails', 'reset', 'cooldown', '--target', 'app:nope'], 1, /no remediation has run on target app:nope/],
  ['guardrails list: no state', [...D, 'guardrails', 'list'], 1, /no state found/],
  ['status: no stack', [...D, 'status'], 1, /no local stack is running with data directory/],
  ['approve: no state', [...D, 'approve', 'abc'], 1, /no state found/],
  ['approve: not an execution', [...S, 'approve', 'a b'], 1, /neither an execution name/],
  ['reject: missing argument', [...S, 'reject'], 2, /missing required argument 'execution'/],
  ['publish: unknown kind', [...D, 'publish', 'nope', '--data', '{}'], 2, /unknown kind "nope"[\s\S]*hint: use one of: provisioning, alert/],
  ['publish: no payload', [...D, 'publish', 'alert'], 2, /no payload: give --file F or --data JSON/],
  ['publish: both payloads', [...D, 'publish', 'alert', '--file', 'a.json', '--data', '{}'], 2, /either --file or --data, not both/],
  ['publish: empty --data', [...D, 'publish', 'alert', '--data', ''], 2, /--data is empty/],
  ['publish: path in --data', [...D, 'publish', 'alert', '--data', 'examples/incident-pitr.json'], 2, /did you mean --file examples\/incident-pitr\.json\?/],
  ['publish: JSON in --file', [...D, 'publish', 'alert', '--file', '{"version": "test"}'], 2, /--file takes a path[\s\S]*--data/],
  ['publish: missing file', [...D, 'publish', 'alert', '--file', 'examples/nope.json'], 1, /--file examples\/nope\.json: no such file/],
  ['publish: a directory', [...D, 'publish', 'alert', '--file', join(files, 'a-directory')], 1, /is a directory, not a JSON file/],
  ['publish: invalid JSON', [...D, 'publish', 'alert', '--file', badJson], 1, /bad\.json:3:35: invalid JSON: expected a property name in double quotes, found "}"/],
  ['publish: invalid payload', [...D, 'publish', 'alert', '--data', '{"version": "1.2"}'], 1, /--data: invalid .*\$\.incident/],
  ['publish: no stack', [...D, 'publish', 'alert', '--file', 'examples/incident-test.json'], 1, /no local stack is running/],
  ['publish: bad timeout', [...D, 'publish', 'alert', '--file', 'examples/incident-test.json', '--wait', '--timeout', 'x'], 2, /--timeout must be a number of seconds/],
  ['publish: dry-run of an alert', [...D, 'publish', 'alert', '--file', 'examples/incident-test.json', '--dry-run'], 2, /--dry-run is available for provisioning requests only/],
  ['start: bad --log-level', [...D, 'start', '--log-level', 'loud'], 2, /--log-level must be one of fatal, error/],
  ['start: bad LOG_LEVEL', [...D, 'start'], 2, /the environment variable LOG_LEVEL must be one of/, { LOG_LEVEL: 'loud' }],
  ['start: bad clock speed', [...D, 'start', '--clock-speed', 'fast'], 2, /--clock-speed must be a number/],
  ['demo: bad clock speed', [...D, 'demo', '--clock-speed', '0'], 2, /--clock-speed must be a number/],
  ['completion: unknown shell', ['completion', 'fish'], 2, /unsupported shell "fish"/],
  ['workflow run: missing file', [...D, 'workflow', 'run', 'workflows/nope.yaml'], 1, /cannot read workflows\/nope\.yaml/],
  ['sim: bad port', [...D, 'sim', '--port', 'x'], 1, /--port must be an integer/],
  ['emulator: bad port', [...D, 'emulator', 'pubsub', '--port', 'x'], 1, /--port must be an integer/],
  ['emulator: no subcommand', [...D, 'emulator'], 2, /Usage: stackctl emulator/],
];

describe('error paths of every command', () => {
  it.each(CASES)('%s', async (_name, args, code, expected, env) => {
    const r = await runCli(args, { env });
    const output = `${r.stdout}${r.stderr}`;
    expect(output).toMatch(expected);
    expect(r.code, output).toBe(code);
    expect(output).not.toMatch(STACK_FRAME);
  });

  it('--json errors are one JSON document on stdout', async () => {
    const r = await runCli([...S, 'runs', '--status', 'bogus', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { message: '--status: unknown value "bogus"', hint: expect.stringContaining('use one of') } });
  });

  it('help and --version exit 0', async () => {
    for (const args of [['--help'], ['--version'], ['runs', '--help'], ['help', 'publish']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
    }
  });

  it('a reader that goes away (stackctl runs -o json | head -c 100) ends it quietly', async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'stackctl.js'), ...S, 'runs', '--limit', '400', '-o', 'json'], { cwd: REPO_ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      child.stdout.once('data', () => child.stdout.destroy());
      child.once('close', (code) => done({ code, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
