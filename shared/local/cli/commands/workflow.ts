/**
 * `stackctl workflow run FILE [--args JSON] [--json] [--trace]`: runs a Cloud Workflows file on the local engine
 * and exits 0 when it SUCCEEDED, 1 otherwise. Connectors go to, in order: `--endpoint URL`, the running local
 * stack's gcp-sim, or an in-process gcp-sim started for this run (and stopped after it). sys.log lines are
 * printed (to stderr) as the run writes them.
 *
 * `stackctl workflow validate FILE...`: loads each file as Cloud Workflows would deploy it and names what the
 * local engine cannot run (connectors gcp-sim does not simulate, modules not implemented), with the simulated
 * services. Exits 0 when every file is valid and fully runnable, 2 when valid but with unsupported calls, 1 when
 * a file is invalid.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Clock } from '../../../ports/clock.ts';
import { LOCAL_TOKEN } from '../../../adapters/local/local-auth.ts';
import { ScaledClock, VirtualClock } from '../../../adapters/local/virtual-clock.ts';
import { systemClock } from '../../../runtime/system-clock.ts';
import {
  loadWorkflow, runWorkflow, SIMULATED_SERVICES, WorkflowValidationError,
  type ExecutionResult, type LogEntry, type StepRecord, type UnsupportedCall, type ValidationIssue,
} from '../../workflow-engine/index.ts';
import { createDefaultSimServices } from '../../gcp-sim/default-services.ts';
import { startGcpSim } from '../../gcp-sim/server.ts';
import { readRunningStack } from '../../stack/stack-file.ts';
import { CliError, globalOptions, printResult } from '../output.ts';

interface RunFlags {
  args?: string;
  trace?: boolean;
  endpoint?: string;
  project: string;
  virtualTime?: boolean;
  speed?: string;
}

export function register(program: Command): void {
  const workflow = program.command('workflow').description('Cloud Workflows on the local engine');
  workflow
    .command('run')
    .description('run a workflow file; prints {"state":"SUCCEEDED","result":...} or {"state":"FAILED","error":{...}}')
    .argument('<file>', 'workflow YAML or JSON file')
    .option('--args <json>', 'the execution argument, as JSON')
    .option('--trace', 'print the execution history (each step transition)')
    .option('--endpoint <url>', 'base URL for googleapis.* connectors (default: the running local stack, else an in-process gcp-sim)')
    .option('--project <id>', 'GOOGLE_CLOUD_PROJECT_ID of the run', 'local-project')
    .option('--virtual-time', 'run sleeps, backoff and polling in virtual time (instant)')
    .option('--speed <factor>', 'run real time sped up by this factor')
    .option('--json', 'machine-readable output')
    .action(async (file: string, flags: RunFlags, cmd: Command) => {
      const global = globalOptions(cmd);
      const result = await runFile(file, flags, global.dataDir);
      printResult(global, summary(result, flags.trace), () => human(result, flags.trace));
      process.exitCode = result.state === 'SUCCEEDED' ? 0 : 1;
    });
  workflow
    .command('validate')
    .description('load workflow files as Cloud Workflows deploys them; name the calls the local engine cannot run')
    .argument('<files...>', 'workflow YAML or JSON files')
    .option('--json', 'machine-readable output')
    .action((files: string[], _flags: unknown, cmd: Command) => {
      const global = globalOptions(cmd);
      const reports = files.map(validateFile);
      printResult(global, { simulatedServices: SIMULATED_SERVICES, files: reports }, () => reports.map(humanReport).join('\n'));
      process.exitCode = reports.some((r) => !r.valid) ? 1 : reports.some((r) => r.unsupported.length > 0) ? 2 : 0;
    });
}

interface ValidationReport {
  file: string;
  valid: boolean;
  issues: ValidationIssue[];
  unsupported: UnsupportedCall[];
}

function readSource(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

function validateFile(file: string): ValidationReport {
  try {
    const program = loadWorkflow(readSource(file), file);
    return { file, valid: true, issues: [], unsupported: [...program.unsupported] };
  } catch (err) {
    if (err instanceof WorkflowValidationError) return { file, valid: false, issues: [...err.issues], unsupported: [] };
    throw err;
  }
}

function humanReport(r: ValidationReport): string {
  if (!r.valid) return [`${r.file}: invalid`, ...r.issues.map((i) => `  - ${i.step ? `step "${i.step}" ` : ''}(${i.where}): ${i.reason}`)].join('\n');
  if (r.unsupported.length === 0) return `${r.file}: valid; every call runs on the local engine`;
  return [
    `${r.file}: valid, but the local engine cannot run ${r.unsupported.length} call(s) (they raise when their step runs):`,
    ...r.unsupported.map((u) => `  - step "${u.step}" (${u.where}): ${u.name}: ${u.reason}`),
    `  simulated services: ${SIMULATED_SERVICES.join(', ')}`,
  ].join('\n');
}

function logLine(l: LogEntry): string {
  return `log ${l.time} ${l.severity}: ${typeof l.payload === 'string' ? l.payload : JSON.stringify(l.payload)}`;
}

function parseArgs(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`--args is not valid JSON: ${(err as Error).message}`, `e.g. --args '{"instance":"zenml-metadata"}'`);
  }
}

function chooseClock(flags: RunFlags): Clock {
  if (flags.virtualTime) return new VirtualClock(new Date());
  if (flags.speed !== undefined) {
    const factor = Number(flags.speed);
    if (!(factor > 0)) throw new CliError(`--speed must be a positive number, got "${flags.speed}"`);
    return new ScaledClock(factor);
  }
  return systemClock;
}

async function runFile(file: string, flags: RunFlags, dataDir: string): Promise<ExecutionResult> {
  const source = readSource(file);
  let program;
  try {
    program = loadWorkflow(source, file);
  } catch (err) {
    if (err instanceof WorkflowValidationError) throw new CliError(err.message, 'fix the listed steps; the engine refuses what Cloud Workflows refuses at deploy time');
    throw err;
  }
  for (const u of program.unsupported) {
    process.stderr.write(`warning: step "${u.step}" calls ${u.name}, which the local engine cannot run (${u.reason})\n`);
  }
  const argument = parseArgs(flags.args);
  const clock = chooseClock(flags);
  let endpoint = flags.endpoint ?? readRunningStack(dataDir)?.endpoints.gcpSim;
  let sim: Awaited<ReturnType<typeof startGcpSim>> | undefined;
  if (!endpoint && /googleapis\./.test(source)) {
    sim = await startGcpSim({ clock, services: createDefaultSimServices({ projectId: flags.project, clock }) });
    endpoint = sim.url;
  }
  try {
    // gcp-sim wants a bearer token, any token; against a local endpoint the fixed fake one is used.
    const tokenProvider = endpoint ? () => Promise.resolve(LOCAL_TOKEN) : undefined;
    return await runWorkflow(program, argument, {
      clock, connectorBaseUrl: endpoint, tokenProvider, identity: { projectId: flags.project },
      onLog: (entry) => process.stderr.write(`${logLine(entry)}\n`),
    });
  } finally {
    await sim?.close();
  }
}

function summary(r: ExecutionResult, trace?: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = r.state === 'SUCCEEDED'
    ? { state: r.state, result: r.result }
    : r.state === 'FAILED' ? { state: r.state, error: r.error } : { state: r.state };
  if (trace) {
    out.history = r.history;
    out.logs = r.logs;
  }
  return out;
}

function traceLine(s: StepRecord): string {
  const branch = s.branch !== undefined ? ` [${s.branch}]` : '';
  const next = s.next ? ` → ${s.next}` : '';
  return `  ${s.startedAt} ${s.routine}.${s.step}${branch} (${s.kind}) ${s.state}${next}${s.error ? `: ${s.error}` : ''}`;
}

function human(r: ExecutionResult, trace?: boolean): string {
  const lines: string[] = [];
  if (trace) {
    // The log lines were printed as the run wrote them.
    lines.push(`history (${r.stepsExecuted} steps):`, ...r.history.map(traceLine));
  }
  lines.push(JSON.stringify(summary(r)));
  return lines.join('\n');
}
