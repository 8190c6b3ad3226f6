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
import { loadFlowDeps } from './flow-deps.ts';
import { deadLetterPayloads } from './adapters/dead-letter-payloads.ts';
import type { FlowName } from '../events/topics.ts';

export interface Container {
  deps: RuntimeDeps;
  /** A flow's adapters, loaded and built on its first delivery, then kept. */
  flowDepsFor(flow: FlowName): Promise<unknown>;
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
  const loaded = new Map<FlowName, Promise<unknown>>();
  return {
    deps: { config, clock, logger, store, publisher, payloads: deadLetterPayloads(config, clock) },
    flowDepsFor: (flow) => {
      if (overrides.flowDeps && flow in overrides.flowDeps) return Promise.resolve(overrides.flowDeps[flow]);
      let deps = loaded.get(flow);
      if (!deps) {
        deps = loadFlowDeps(flow, config, clock);
        // A failed import must not stick: the next delivery tries again.
        deps.catch(() => loaded.delete(flow));
        loaded.set(flow, deps);
      }
      return deps;
    },
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
