/**
 * Where the real clients point. In production they use Application Default Credentials and
 * Google's endpoints; in local mode every client goes to a simulator on loopback over REST,
 * with the auth client the local stack injects (this code never builds one, so the deployed
 * bundle carries none). Adapters take this config and never branch on mode beyond building
 * client options, so local runs exercise the production code paths.
 */

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
