/**
 * Where the real clients point. In production they use Application Default Credentials and
 * Google's endpoints; in local mode every client goes to a simulator on loopback over REST,
 * with the auth client the local stack injects (this code never builds one, so the deployed
 * bundle carries none). Adapters take this config and never branch on mode beyond building
 * client options, so local runs exercise the production code paths.
 */
import { ClientUnavailableError } from '../../../runtime/errors.ts';
import { describeFailure } from './errors.ts';

/**
 * Credentials for a loopback simulator, injected by the composition root of a local run.
 * `authClient` is what google-gax's REST fallback accepts as an auth client (it needs
 * `getRequestHeaders` and `fetch`); `token` is the bearer token for @google-cloud/storage,
 * which takes request interceptors instead.
 */
export interface SimulatorAuth {
  authClient: { getRequestHeaders(): Promise<Headers>; fetch(url: string | URL, init?: RequestInit): Promise<Response> };
  token: string;
}

export interface GcpEndpointConfig {
  projectId: string;
  /** Default region for regional resources (Artifact Registry, Workflows). */
  region: string;
  /** Set in local mode: the simulator's base URL, e.g. http://127.0.0.1:8787. Absent in production. */
  simulatorUrl?: string;
  /** Required with `simulatorUrl`. */
  simulatorAuth?: SimulatorAuth;
}

/** The simulator's loopback URL and auth, or undefined for Google's endpoints. */
export function simulatorOf(config: GcpEndpointConfig): { url: URL; auth: SimulatorAuth } | undefined {
  if (!config.simulatorUrl) return undefined;
  const url = new URL(config.simulatorUrl);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    throw new Error(`simulatorUrl must be a loopback address, got ${config.simulatorUrl}`);
  }
  if (!config.simulatorAuth) {
    throw new Error(`simulatorUrl ${config.simulatorUrl} is set but no simulatorAuth was given: a local run injects its auth client through the composition root`);
  }
  return { url, auth: config.simulatorAuth };
}

/** Options for google-gax based clients (`new SqlInstancesServiceClient(opts)` and friends). */
export function gaxClientOptions(config: GcpEndpointConfig): Record<string, unknown> {
  const simulator = simulatorOf(config);
  if (!simulator) return { projectId: config.projectId };
  const { url, auth } = simulator;
  return {
    projectId: config.projectId,
    fallback: 'rest',
    apiEndpoint: url.hostname,
    port: Number(url.port || 80),
    protocol: url.protocol.replace(':', ''),
    authClient: auth.authClient,
  };
}

/** Creates a value on first use and keeps it: clients are made once per instance, never per request. */
export function lazy<T>(factory: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = factory();
      made = true;
    }
    return value as T;
  };
}

/** What `gaxClient` needs of a google-gax generated client. */
export interface GaxClientLike {
  initialize(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * A google-gax client, made on first use and initialised before any call is made on it. A generated
 * client's methods start with `this.initialize().catch((err) => { throw err; })`: when building its
 * stub fails (no credentials found, say) every call leaves an unhandled rejection behind, on which
 * functions-framework answers a bare 500 and exits the instance while the run still holds its lease,
 * so the next delivery waits for that lease to run out. Awaiting `initialize()` first turns the
 * failure into a ClientUnavailableError for the caller (transient, not retried in place); a client
 * that failed to start is closed and dropped, so the next call builds a new one.
 */
export function gaxClient<T extends GaxClientLike>(where: string, make: () => T | Promise<T>): () => Promise<T> {
  let ready: Promise<T> | undefined;
  return () => {
    if (!ready) {
      const starting = (async () => {
        const client = await make();
        try {
          await client.initialize();
        } catch (err) {
          await client.close().catch(() => undefined);
          const what = `${where}: the client did not start (credentials or endpoint)`;
          throw new ClientUnavailableError(`${what}: ${describeFailure(err).message}`, { where: what, cause: err });
        }
        return client;
      })();
      starting.catch(() => { if (ready === starting) ready = undefined; });
      ready = starting;
    }
    return ready;
  };
}

/**
 * One export of a CommonJS package, from `await import(pkg)`. Node gives the names it detects and
 * module.exports as `default`; the deployed bundle (esbuild, the package inlined into a lazy chunk)
 * gives `default` only; a loader honouring `__esModule` (tsx) makes `default` the package's own
 * `exports.default`. The name itself, else the name on `default`, is right in all three.
 */
export function exportOf<T extends object, K extends keyof T & string>(namespace: T, name: K): T[K] {
  const found = (namespace as Record<string, unknown>)[name] ?? (namespace as { default?: Record<string, unknown> }).default?.[name];
  if (found === undefined) throw new Error(`the imported package has no export "${name}"`);
  return found as T[K];
}
