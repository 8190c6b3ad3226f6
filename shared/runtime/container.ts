/**
 * The composition root: the one place that chooses adapters. Everything is built lazily,
 * once per process (a Cloud Functions instance), never per request. The local stack installs
 * its own container (same adapters, pointed at the emulator and gcp-sim) with `useContainer`.
 */
import { join } from 'node:path';
import type { Clock } from '../ports/clock.ts';
import type { Publisher } from '../ports/publisher.ts';
import type { StateStore } from '../ports/state-store.ts';
import { systemClock } from '../adapters/local/virtual-clock.ts';
import { loadConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import type { RuntimeDeps } from './flow.ts';
import { buildFlowDeps } from './flow-deps.ts';

export interface Container {
  deps: RuntimeDeps;
  /** Flow-specific adapters, keyed by flow name; empty until a flow needs some. */
  flowDeps: Record<string, unknown>;
  close(): Promise<void>;
}

export interface ContainerOverrides {
  config?: Config;
  clock?: Clock;
  logger?: Logger;
  store?: StateStore;
  publisher?: Publisher;
  flowDeps?: Record<string, unknown>;
}

export async function buildContainer(overrides: ContainerOverrides = {}): Promise<Container> {
  const config = overrides.config ?? loadConfig();
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const store = overrides.store ?? (await openStateStore(config, clock));
  const publisher = overrides.publisher ?? (await openPublisher(config));
  return {
    deps: { config, clock, logger, store, publisher },
    flowDeps: overrides.flowDeps ?? buildFlowDeps(config, clock),
    close: async () => {
      await store.close();
      await (publisher as Partial<{ close(): Promise<void> }>).close?.();
    },
  };
}

async function openStateStore(config: Config, clock: Clock): Promise<StateStore> {
  if (config.stateStore === 'firestore') {
    const { FirestoreStateStore } = await import('../adapters/gcp/firestore-state-store.ts');
    return new FirestoreStateStore({ projectId: config.projectId, databaseId: config.firestoreDatabase, clock });
  }
  const { openSqliteStateStore } = await import('../adapters/local/sqlite-state-store.ts');
  return openSqliteStateStore(join(config.dataDir, 'state.sqlite'), { clock });
}

async function openPublisher(config: Config): Promise<Publisher> {
  const { PubsubPublisher } = await import('../adapters/gcp/publisher.ts');
  return new PubsubPublisher({ projectId: config.projectId, emulatorHost: config.pubsubEmulatorHost });
}

let current: Promise<Container> | undefined;

/** The process's container, built from the environment on first use. */
export function getContainer(): Promise<Container> {
  current ??= buildContainer();
  return current;
}

/** Installs a container (local stack, tests); the functions then use it. */
export function useContainer(container: Container | Promise<Container> | undefined): void {
  current = container === undefined ? undefined : Promise.resolve(container);
}
