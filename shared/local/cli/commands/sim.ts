/**
 * `stackctl sim --port N [--data-dir DIR] [--faults FILE] [--pubsub-emulator HOST]`: gcp-sim on
 * its own, with every simulated API, until SIGINT/SIGTERM. Workflow Executions run on the local
 * workflow engine with the YAML in --workflows-dir. State is kept in DIR/gcp-sim.json only when a
 * data directory is given explicitly (flag or STACKCTL_DATA_DIR), like `stackctl emulator pubsub`.
 * It prints, per real Google client, a line of code that connects to it as printed (sim-setup.ts).
 */
import { closeOnSignal } from '../until-signal.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { systemClock } from '../../../runtime/system-clock.ts';
import { createDefaultSimServices, defaultWorkflowEnv } from '../../gcp-sim/default-services.ts';
import { startGcpSim, type GcpSim } from '../../gcp-sim/server.ts';
import type { SimService } from '../../gcp-sim/service.ts';
import { PubsubSim } from '../../gcp-sim/services/pubsub.ts';
import { WorkflowExecutionsSim } from '../../gcp-sim/services/workflowexecutions.ts';
import { EngineExecutionBackend } from '../../gcp-sim/services/workflowexecutions/engine-backend.ts';
import { readRunningStack } from '../../stack/stack-file.ts';
import { CliError, globalOptions, printResult } from '../output.ts';
import { clientSetup } from './sim-setup.ts';

export interface StandaloneSimOptions {
  port: number;
  projectId: string;
  /** Persist state in this file (DIR/gcp-sim.json). */
  persistFile?: string;
  /** Parsed contents of a --faults file. */
  faults?: unknown;
  pubsubEmulatorHost?: string;
  workflowsDir: string;
  operationDurationMs?: number;
}

export interface StandaloneSim {
  sim: GcpSim;
  close(): Promise<void>;
}

/** Builds every simulated API and starts the server; Workflow Executions get the local engine. */
export async function startStandaloneSim(options: StandaloneSimOptions): Promise<StandaloneSim> {
  const clock = systemClock;
  const engine = new EngineExecutionBackend({ workflowsDir: options.workflowsDir, clock, projectId: options.projectId, envFor: defaultWorkflowEnv(options.projectId) });
  const services: SimService[] = createDefaultSimServices({ projectId: options.projectId, clock, pubsubEmulatorHost: options.pubsubEmulatorHost })
    .map((service) => (service.name === 'workflowexecutions' ? new WorkflowExecutionsSim(engine) : service));
  const pubsub = options.pubsubEmulatorHost && !services.some((s) => s.name === 'pubsub') ? new PubsubSim(options.pubsubEmulatorHost) : undefined;
  if (pubsub) services.push(pubsub);
  let sim: GcpSim;
  try {
    sim = await startGcpSim({
      port: options.port, clock, services, persistFile: options.persistFile, faults: options.faults,
      operationDurationMs: options.operationDurationMs,
    });
  } catch (err) {
    await engine.close();
    throw err;
  }
  return {
    sim,
    close: async () => {
      await sim.close();
      await engine.close();
      await pubsub?.close();
    },
  };
}

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new CliError(`--port must be an integer between 0 and 65535, got "${value}"`);
  return port;
}

function readFaults(file: string): unknown {
  const path = resolve(file);
  if (!existsSync(path)) throw new CliError(`--faults: no such file ${path}`);
  const text = readFileSync(path, 'utf8');
  try {
    return /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new CliError(`--faults: ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(err as Error).message}`, 'expected {"faults": [{"method": "sqladmin.instances.clone", "code": 409, "times": 1}]}');
  }
}

export function register(program: Command): void {
  program
    .command('sim')
    .description('run the simulated Google Cloud (gcp-sim) on its own until SIGINT/SIGTERM')
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', '8787')
    .option('--faults <file>', 'fault rules to load at start (JSON or YAML: {faults: [...]})')
    .option('--pubsub-emulator <host>', 'host:port of a Pub/Sub emulator; enables the Pub/Sub REST bridge')
    .option('--project <id>', 'project id of the seeded resources', process.env.GOOGLE_CLOUD_PROJECT ?? 'local-project')
    .option('--workflows-dir <dir>', 'where Workflow Executions find <workflow>.yaml', 'workflows')
    .option('--operation-ms <ms>', 'how long a simulated long-running operation takes', '2000')
    .action(async (opts: { port: string; faults?: string; pubsubEmulator?: string; project: string; workflowsDir: string; operationMs: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const source = rootOf(cmd).getOptionValueSource('dataDir');
      const explicitDir = source === 'cli' || source === 'env' || Boolean(process.env.STACKCTL_DATA_DIR);
      let persistFile: string | undefined;
      if (explicitDir) {
        const running = readRunningStack(global.dataDir);
        if (running) {
          throw new CliError(`the local stack (pid ${running.pid}) is using data directory ${resolve(global.dataDir)}; its gcp-sim is at ${running.endpoints.gcpSim}`, 'use that gcp-sim, or pass another --data-dir');
        }
        persistFile = join(resolve(global.dataDir), 'gcp-sim.json');
      }
      if (opts.pubsubEmulator && !/^(127\.0\.0\.1|localhost):\d+$/.test(opts.pubsubEmulator)) {
        throw new CliError(`--pubsub-emulator must be a loopback host:port, got "${opts.pubsubEmulator}"`);
      }
      const operationDurationMs = Number(opts.operationMs);
      if (!/^\d+$/.test(opts.operationMs)) throw new CliError(`--operation-ms must be a non-negative integer, got "${opts.operationMs}"`);
      const port = parsePort(opts.port);
      const faults = opts.faults ? readFaults(opts.faults) : undefined;
      const log = (message: string, fields?: Record<string, unknown>) => {
        process.stderr.write(`${JSON.stringify({ severity: 'INFO', message, time: new Date().toISOString(), ...fields })}\n`);
      };

      let running: StandaloneSim;
      try {
        running = await startStandaloneSim({
          port, projectId: opts.project, persistFile, faults, pubsubEmulatorHost: opts.pubsubEmulator,
          workflowsDir: resolve(opts.workflowsDir), operationDurationMs,
        });
      } catch (err) {
        throw new CliError(`gcp-sim could not start: ${(err as Error).message}`, 'pick another --port, or --port 0 for a free one');
      }
      const { sim } = running;
      const services = Object.keys(sim.summary());
      // Listen before reporting ready, so a signal sent the moment the output appears is handled.
      const stopped = closeOnSignal('gcp-sim', () => running.close(), (message) => log(message));
      const clients = clientSetup(sim.url, opts.project, opts.pubsubEmulator);
      printResult(global, { url: sim.url, port: sim.port, projectId: opts.project, services, persistFile: persistFile ?? null, faults: sim.faults.list().length, clients }, () => [
        `gcp-sim listening on ${sim.url} (${persistFile ? `persisting to ${persistFile}` : 'in memory'})`,
        `  services: ${services.join(', ')}`,
        `  the stack's adapters: simulatorUrl=${sim.url}`,
        '  real clients, one line of Node.js (CommonJS) each, as printed:',
        ...clients.map((c) => `    ${c.client}: ${c.code}`),
        `  state: ${sim.url}/__sim/state   faults: ${sim.url}/__sim/faults`,
        '  stop with Ctrl-C',
      ].join('\n'));
      await stopped;
    });
}
