/**
 * What `stackctl sim` prints for each real Google client: one self-contained line of Node.js
 * (CommonJS) that builds a client talking to this gcp-sim, tested as printed. gcp-sim requires a
 * bearer token on every Google API (any value; it never checks one), so each line supplies one:
 * google-gax clients take an OAuth2Client holding a placeholder access token; @google-cloud/storage
 * sends no credentials to a custom endpoint at all, so its line adds the token with a request
 * interceptor (the same interceptor the stack's object-store adapter uses).
 */
export interface ClientSetup {
  /** The npm package the line is for. */
  client: string;
  code: string;
}

/** Any non-empty value works: gcp-sim needs a bearer token present and never checks it. */
const TOKEN = 'local-placeholder-token';
const AUTH = `new (require('google-auth-library').OAuth2Client)({ credentials: { access_token: '${TOKEN}' } })`;

const GAX_CLIENTS: Array<{ client: string; ctor: string; from?: string }> = [
  { client: '@google-cloud/secret-manager', ctor: 'SecretManagerServiceClient' },
  { client: '@google-cloud/sql', ctor: 'SqlInstancesServiceClient', from: ".v1" },
  { client: '@google-cloud/monitoring', ctor: 'MetricServiceClient' },
  { client: '@google-cloud/billing', ctor: 'CloudCatalogClient' },
  { client: '@google-cloud/artifact-registry', ctor: 'ArtifactRegistryClient' },
  { client: '@google-cloud/workflows', ctor: 'ExecutionsClient' },
];

export function clientSetup(simUrl: string, projectId: string, pubsubEmulatorHost?: string): ClientSetup[] {
  const url = new URL(simUrl);
  const lines: ClientSetup[] = [{
    client: '@google-cloud/storage',
    code: `const client = new (require('@google-cloud/storage').Storage)({ apiEndpoint: '${url.origin}', projectId: '${projectId}' }); `
      + `client.interceptors.push({ request: (o) => ({ ...o, headers: { ...o.headers, Authorization: 'Bearer ${TOKEN}' } }) });`,
  }];
  for (const g of GAX_CLIENTS) {
    lines.push({
      client: g.client,
      code: `const client = new (require('${g.client}')${g.from ?? ''}.${g.ctor})({ apiEndpoint: '${url.hostname}', port: ${url.port || 80}, protocol: 'http', fallback: 'rest', projectId: '${projectId}', authClient: ${AUTH} });`,
    });
  }
  if (pubsubEmulatorHost) {
    lines.push({
      client: '@google-cloud/pubsub',
      code: `const client = new (require('@google-cloud/pubsub').PubSub)({ apiEndpoint: '${pubsubEmulatorHost}', emulatorMode: true, projectId: '${projectId}', authClient: ${AUTH} });`,
    });
  }
  return lines;
}
