/**
 * Client options for @google-cloud/pubsub against the local emulator. Besides the endpoint and
 * plaintext gRPC (`emulatorMode`), the client gets the local auth client: without one, google-gax
 * asks Application Default Credentials for the universe domain, which probes the GCE metadata
 * server, network traffic beyond loopback that local mode must never send.
 */
import type { ClientConfig } from '@google-cloud/pubsub';
import { LocalAuthClient } from './local-auth.ts';

export function emulatorPubsubOptions(projectId: string, emulatorHost: string): ClientConfig {
  if (!/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(emulatorHost)) {
    throw new Error(`the Pub/Sub emulator host must be a loopback host:port, got ${emulatorHost}`);
  }
  return { projectId, apiEndpoint: emulatorHost, emulatorMode: true, authClient: new LocalAuthClient() as never };
}
