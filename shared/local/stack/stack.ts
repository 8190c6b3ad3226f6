/**
 * The local stack behind `npm start`: the Pub/Sub emulator, gcp-sim, and the five functions
 * served by functions-framework exactly as in production, wired with the same topology
 * Terraform creates. State lives in the data directory; the servers take free loopback ports.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import type { Clock } from '../../ports/clock.ts';
import { localSimulatorAuth } from '../../adapters/local/local-auth.ts';
import { emulatorPubsubOptions } from '../../adapters/local/pubsub-options.ts';
import { openSqliteStateStore } from '../../adapters/local/sqlite-state-store.ts';
import type { StateStore } from '../../ports/state-store.ts';
import { ScaledClock } from '../../adapters/local/virtual-clock.ts';
import { loadConfig, type Config } from '../../runtime/config.ts';
import { buildContainer, useContainer, type Container } from '../../runtime/container.ts';
import { createLogger, type Logger } from '../../runtime/logger.ts';
import { startPubsubEmulator } from '../pubsub/emulator.ts';
import { startGcpSim, type GcpSim } from '../gcp-sim/server.ts';
import { createDefaultSimServices } from '../gcp-sim/default-services.ts';
import { seedLocalCloud } from './seed.ts';
import { alertsFlow, backupsFlow, FLOW_LIST } from '../../flows/definitions.ts';
import { startExecutionFollower } from '../../flows/alerts/follower.ts';
import { startBackupsFollower } from '../../flows/backups/follower.ts';
import { watchDeadLetters } from './dead-letter-watcher.ts';
import { maybeSweep } from '../../runtime/lease.ts';
import { statusOutbox } from '../../runtime/outbox.ts';
import { ensureTopology } from './topology.ts';
import { readRunningStack, removeStackFile, writeStackFile, type StackFile } from './stack-file.ts';

export interface StackOptions {
  dataDir: string;
  projectId?: string;
  /** Speeds up simulated time (operations, workflow sleeps) for demos; 1 = real time. */
  clockSpeed?: number;
  clock?: Clock;
  /** Simulated duration of gcp-sim long-running operations, in clock milliseconds. */
  operationDurationMs?: number;
  logLevel?: string;
  logger?: Logger;
  /** Push retry backoff; Pub/Sub's defaults are 10 s → 600 s, the local default is shorter. */
  retry?: { minimumBackoffSeconds: number; maximumBackoffSeconds: number };
  maxDeliveryAttempts?: number;
  /** How often the remediation and backups followers poll their runs' workflow executions (real milliseconds). */
  followIntervalMs?: number;
  /** Another state store than DIR/state.sqlite (a test rehearsing production runs the functions on Firestore's emulator). */
  store?: StateStore;
  /** Extra environment for the functions' configuration (e.g. STACKCTL_MAX_MESSAGE_BYTES). */
  env?: Record<string, string>;
}

export interface RunningStack {
  info: StackFile;
  config: Config;
  container: Container;
  sim: GcpSim;
  pubsub: PubSub;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const dataDir = resolve(options.dataDir);
  const already = readRunningStack(dataDir);
  if (already) {
    throw new Error(`a stack is already running with data directory ${dataDir} (pid ${already.pid}); stop it or use another --data-dir`);
  }
  mkdirSync(dataDir, { recursive: true });
  const projectId = options.projectId ?? 'local-project';
  const clock = options.clock ?? new ScaledClock(options.clockSpeed ?? 1);
  const logger = options.logger ?? createLogger({ level: options.logLevel ?? 'info' });
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        logger.error({ err: (err as Error).message }, 'error while stopping the local stack');
      }
    }
    cleanups.length = 0;
  };

  try {
    // Push waits until the topology repoints persisted subscriptions at this run's ports;
    // otherwise old endpoints would burn delivery attempts of messages kept from the last run.
    const emulator = await startPubsubEmulator({ port: 0, persistDir: join(dataDir, 'pubsub'), pausePush: true });
    cleanups.push(() => emulator.close());

    const sim = await startGcpSim({
      port: 0,
      clock,
      operationDurationMs: options.operationDurationMs ?? 2000,
      persistFile: join(dataDir, 'gcp-sim.json'),
      services: createDefaultSimServices({ projectId, pubsubEmulatorHost: emulator.host, clock }),
    });
    cleanups.push(() => sim.close());

    const config = loadConfig({
      ...process.env,
      STACKCTL_MODE: 'local',
      GOOGLE_CLOUD_PROJECT: projectId,
      STACKCTL_DATA_DIR: dataDir,
      STACKCTL_STATE_STORE: 'sqlite',
      PUBSUB_EMULATOR_HOST: emulator.host,
      STACKCTL_GCP_SIM_URL: sim.url,
      STACKCTL_ARGOCD_URL: sim.url,
      LOG_LEVEL: (options.logLevel ?? 'info') as Config['logLevel'],
      // The local functions keep their CPU after answering: status events leave from the outbox
      // in the background (production waits for them; see STACKCTL_STATUS_FLUSH_WAIT_MS).
      STACKCTL_STATUS_FLUSH_WAIT_MS: '0',
      // The functions must know the subscriptions' max attempts to recognise the last one.
      ...(options.maxDeliveryAttempts !== undefined ? { STACKCTL_MAX_DELIVERY_ATTEMPTS: String(options.maxDeliveryAttempts) } : {}),
      ...options.env,
    });
    await seedLocalCloud(config, clock);
    // What only a local run has is injected here: the SQLite store, the clock, the simulator auth.
    const store = options.store ?? openSqliteStateStore(join(dataDir, 'state.sqlite'), { clock });
    const container = await buildContainer({ config, clock, logger, store, simulatorAuth: localSimulatorAuth() });
    cleanups.push(() => container.close());
    // Runs before the close (cleanups run in reverse): what the outbox is publishing finishes first.
    cleanups.push(() => statusOutbox(container.deps).idle());
    useContainer(container);
    cleanups.push(async () => useContainer(undefined));

    await import('../../../functions/index.ts');
    const { getTestServer } = await import('@google-cloud/functions-framework/testing');
    const functionUrls: Record<string, string> = {};
    for (const fn of FLOW_LIST) {
      const server: Server = getTestServer(fn.functionName);
      await new Promise<void>((ok, fail) => {
        server.once('error', fail);
        server.listen(0, '127.0.0.1', () => ok());
      });
      cleanups.push(() => new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }));
      functionUrls[fn.flow] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    }

    const pubsub = new PubSub(emulatorPubsubOptions(projectId, emulator.host));
    cleanups.push(() => pubsub.close());
    await ensureTopology(pubsub, {
      functionUrls,
      retry: options.retry ?? { minimumBackoffSeconds: 1, maximumBackoffSeconds: 30 },
      maxDeliveryAttempts: options.maxDeliveryAttempts,
    });
    emulator.resumePush();
    const watcher = watchDeadLetters(pubsub, { ...container.deps, logger });
    cleanups.push(() => watcher.close());
    // Deliveries sweep parked queues too; this timer covers a quiet stack whose holder crashed.
    const sweeper = setInterval(() => { void maybeSweep(container.deps); }, Math.max(1_000, Math.floor(config.leaseTtlMs / 2 / (options.clockSpeed ?? 1))));
    sweeper.unref();
    cleanups.push(async () => clearInterval(sweeper));
    const follower = startExecutionFollower(
      { store: container.deps.store, workflows: (await alertsFlow.loadDeps(container.env)).workflows, clock, logger, publisher: container.deps.publisher },
      { intervalMs: options.followIntervalMs ?? 500 },
    );
    cleanups.push(() => follower.stop());
    // What the BackupFollowJob tick does in production: end drills and bucket restores whose execution ended.
    const backupsFollower = startBackupsFollower(
      { runtime: { ...container.deps, logger }, backups: await backupsFlow.loadDeps(container.env) },
      { intervalMs: options.followIntervalMs ?? 500 },
    );
    cleanups.push(() => backupsFollower.stop());

    const info: StackFile = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      dataDir,
      projectId,
      region: config.region,
      endpoints: { pubsubEmulator: emulator.host, gcpSim: sim.url, functions: functionUrls },
    };
    writeStackFile(dataDir, info);
    cleanups.unshift(async () => removeStackFile(dataDir));

    return { info, config, container, sim, pubsub, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
