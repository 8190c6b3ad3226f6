/**
 * The composition root: the one place that chooses adapters. Everything is built lazily,
 * once per process (a Cloud Functions instance), never per request. Production builds the
 * Firestore store and the Pub/Sub publisher from the environment; a local run installs its own
 * container with `useContainer`, injecting what only it has (the SQLite store, its clock, the
 * simulator auth client), so none of that is in the deployed code.
 */
import type { SimulatorAuth } from '../adapters/gcp/common/endpoint.ts';
import type { Clock } from '../ports/clock.ts';
import type { Publisher } from '../ports/publisher.ts';
import type { StateStore } from '../ports/state-store.ts';
import { loadConfig, type Config } from './config.ts';
import { DeferredPublisher } from './deferred-publisher.ts';
import { endpointConfig } from './endpoint.ts';
import { PermanentError } from './errors.ts';
import type { FlowEnv, RuntimeDeps } from './flow.ts';
import { createLogger, type Logger } from './logger.ts';
import { systemClock } from './system-clock.ts';
import { deadLetterPayloads } from './adapters/dead-letter-payloads.ts';

export interface Container {
  deps: RuntimeDeps;
  /** What each flow's `loadDeps` builds its adapters from. */
  env: FlowEnv;
  close(): Promise<void>;
}

export interface ContainerOverrides {
  config?: Config;
  clock?: Clock;
  logger?: Logger;
  /** The state store; without it, Firestore (the only store the deployed code has). */
  store?: StateStore;
  publisher?: Publisher;
  /** Auth for a loopback simulator and the Pub/Sub emulator; only a local run has one. */
  simulatorAuth?: SimulatorAuth;
}

export async function buildContainer(overrides: ContainerOverrides = {}): Promise<Container> {
  const config = overrides.config ?? loadConfig();
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const store = overrides.store ?? (await openStateStore(config, clock));
  const publisher = overrides.publisher ?? deferredPublisher(config, overrides.simulatorAuth);
  const endpoint = endpointConfig(config, overrides.simulatorAuth);
  return {
    deps: { config, clock, logger, store, publisher, payloads: deadLetterPayloads(endpoint, clock, config.backupBucket) },
    env: { config, clock, endpoint },
    close: async () => {
      await store.close();
      await (publisher as Partial<{ close(): Promise<void> }>).close?.();
    },
  };
}

async function openStateStore(config: Config, clock: Clock): Promise<StateStore> {
  if (config.stateStore !== 'firestore') {
    throw new PermanentError(
      `STACKCTL_STATE_STORE=${config.stateStore} is local-only: the local stack injects that store; deployed functions use firestore`,
      { where: 'env STACKCTL_STATE_STORE' },
    );
  }
  const { FirestoreStateStore } = await import('../adapters/gcp/firestore-state-store.ts');
  return new FirestoreStateStore({ projectId: config.projectId, databaseId: config.firestoreDatabase, clock });
}

/**
 * Loads on the first publish, or once the first delivery is answered (http-function.ts), not while
 * the container is built: a first delivery that publishes nothing (a duplicate) must not wait for
 * @google-cloud/pubsub to load on the same thread, and one that publishes gains little from loading
 * it early, the first delivery being CPU-bound (docs/ARCHITECTURE.md, "Cold start").
 */
function deferredPublisher(config: Config, simulatorAuth: SimulatorAuth | undefined): Publisher {
  return new DeferredPublisher(() => openPublisher(config, simulatorAuth));
}

async function openPublisher(config: Config, simulatorAuth: SimulatorAuth | undefined): Promise<Publisher> {
  const { PubsubPublisher } = await import('../adapters/gcp/publisher.ts');
  return new PubsubPublisher({ projectId: config.projectId, emulatorHost: config.pubsubEmulatorHost, emulatorAuthClient: simulatorAuth?.authClient });
}

let current: Promise<Container> | undefined;

/** The process's container, built from the environment on first use. */
export function getContainer(): Promise<Container> {
  if (!current) {
    const building = buildContainer();
    // A failed build (bad configuration) must not stick: the next delivery tries again.
    building.catch(() => { if (current === building) current = undefined; });
    current = building;
  }
  return current;
}

/** Installs a container (local stack, tests); the functions then use it. */
export function useContainer(container: Container | Promise<Container> | undefined): void {
  current = container === undefined ? undefined : Promise.resolve(container);
}
