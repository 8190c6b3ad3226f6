/**
 * Where the real clients point. In production they use Application Default Credentials and
 * Google's endpoints; in local mode every client goes to gcp-sim on loopback over REST,
 * with the fake local auth client. Adapters take this config and never branch on mode
 * beyond building client options, so local runs exercise the production code paths.
 */
import { LocalAuthClient } from '../../local/local-auth.ts';

export interface GcpEndpointConfig {
  projectId: string;
  /** Default region for regional resources (Artifact Registry, Workflows). */
  region: string;
  /** Set in local mode: gcp-sim's base URL, e.g. http://127.0.0.1:8787. Absent in production. */
  simulatorUrl?: string;
}

/** Options for google-gax based clients (`new SqlInstancesServiceClient(opts)` and friends). */
export function gaxClientOptions(config: GcpEndpointConfig): Record<string, unknown> {
  if (!config.simulatorUrl) return { projectId: config.projectId };
  const url = new URL(config.simulatorUrl);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    throw new Error(`simulatorUrl must be a loopback address, got ${config.simulatorUrl}`);
  }
  return {
    projectId: config.projectId,
    fallback: 'rest',
    apiEndpoint: url.hostname,
    port: Number(url.port || 80),
    protocol: url.protocol.replace(':', ''),
    authClient: new LocalAuthClient(),
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
