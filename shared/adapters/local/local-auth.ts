/**
 * The auth client the real @google-cloud/* clients use in local mode. google-gax's REST
 * fallback only needs `getRequestHeaders` (to recognise an auth client) and `fetch` (to send
 * the request). The token is a fixed, obviously-fake value: gcp-sim requires *a* bearer token
 * but accepts any, and no real credential ever exists in local mode.
 */
import type { SimulatorAuth } from '../gcp/common/endpoint.ts';

export const LOCAL_TOKEN = 'local-stack-not-a-real-token';

export class LocalAuthClient {
  readonly universeDomain = 'googleapis.com';

  constructor(private readonly token: string = LOCAL_TOKEN) {}

  async getRequestHeaders(): Promise<Headers> {
    return new Headers({ authorization: `Bearer ${this.token}` });
  }

  async getAccessToken(): Promise<{ token: string }> {
    return { token: this.token };
  }

  async getProjectId(): Promise<string> {
    return process.env.GOOGLE_CLOUD_PROJECT ?? 'local-project';
  }

  async fetch(url: string | URL, init: RequestInit & { agent?: unknown; responseType?: string } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${this.token}`);
    const { agent: _agent, responseType: _responseType, ...rest } = init;
    return fetch(url, { ...rest, headers });
  }
}

/** What the local stack injects into the production adapters' endpoint config. */
export function localSimulatorAuth(token: string = LOCAL_TOKEN): SimulatorAuth {
  return { authClient: new LocalAuthClient(token), token };
}
