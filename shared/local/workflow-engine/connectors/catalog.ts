/**
 * The connector method table: `googleapis.<service>.<version>.<resource...>.<method>` → the REST call of that API
 * method (from the Google discovery documents): HTTP method, path template relative to
 * https://<service>.googleapis.com/, which args fill the path (`{x}` one segment, `{+x}` may contain slashes),
 * which go to the query string, and whether a `body` is sent. `lro` says how a long-running result is awaited.
 */
/** Cloud SQL Admin returns `sql#operation` resources polled through operations.get. (No covered method returns a
 * google.longrunning.Operation, so that form has no table entry yet.) */
export type LroKind = 'sqladmin';

export interface ConnectorMethod {
  readonly service: string;
  readonly httpMethod: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query: readonly string[];
  readonly body: boolean;
  readonly lro?: LroKind;
  /** `media`: storage upload/download forms chosen by uploadType / alt. */
  readonly media?: 'upload' | 'download';
}

const table = new Map<string, ConnectorMethod>();

function add(name: string, service: string, httpMethod: ConnectorMethod['httpMethod'], path: string, opts: Partial<Omit<ConnectorMethod, 'service' | 'httpMethod' | 'path'>> = {}): void {
  table.set(`googleapis.${name}`, { service, httpMethod, path, query: opts.query ?? [], body: opts.body ?? false, lro: opts.lro, media: opts.media });
}

// ---- Cloud SQL Admin: v1 (paths v1/...) and v1beta4 (paths sql/v1beta4/...); mutations return sql#operation ----
for (const [version, prefix] of [['v1', 'v1'], ['v1beta4', 'sql/v1beta4']] as const) {
  const sql = (name: string, m: ConnectorMethod['httpMethod'], path: string, opts: Partial<ConnectorMethod> = {}): void =>
    add(`sqladmin.${version}.${name}`, 'sqladmin', m, `${prefix}/${path}`, { lro: m === 'GET' ? undefined : 'sqladmin', ...opts });
  const inst = 'projects/{project}/instances/{instance}';
  sql('instances.get', 'GET', inst);
  sql('instances.list', 'GET', 'projects/{project}/instances', { query: ['filter', 'maxResults', 'pageToken'] });
  sql('instances.insert', 'POST', 'projects/{project}/instances', { body: true });
  sql('instances.patch', 'PATCH', inst, { body: true });
  sql('instances.update', 'PUT', inst, { body: true });
  sql('instances.delete', 'DELETE', inst);
  for (const action of ['clone', 'restoreBackup', 'export', 'import', 'failover', 'promoteReplica', 'restart', 'startReplica', 'stopReplica', 'demoteMaster', 'truncateLog']) {
    sql(`instances.${action}`, 'POST', `${inst}/${action}`, { body: true });
  }
  sql('projects.instances.getLatestRecoveryTime', 'GET', `${inst}/getLatestRecoveryTime`);
  sql('backupRuns.insert', 'POST', `${inst}/backupRuns`, { body: true });
  sql('backupRuns.list', 'GET', `${inst}/backupRuns`, { query: ['maxResults', 'pageToken'] });
  sql('backupRuns.get', 'GET', `${inst}/backupRuns/{id}`);
  sql('backupRuns.delete', 'DELETE', `${inst}/backupRuns/{id}`);
  sql('databases.insert', 'POST', `${inst}/databases`, { body: true });
  sql('databases.get', 'GET', `${inst}/databases/{database}`);
  sql('databases.list', 'GET', `${inst}/databases`);
  sql('databases.patch', 'PATCH', `${inst}/databases/{database}`, { body: true });
  sql('databases.update', 'PUT', `${inst}/databases/{database}`, { body: true });
  sql('databases.delete', 'DELETE', `${inst}/databases/{database}`);
  sql('users.insert', 'POST', `${inst}/users`, { body: true });
  sql('users.list', 'GET', `${inst}/users`);
  sql('users.get', 'GET', `${inst}/users/{name}`, { query: ['host'] });
  sql('users.update', 'PUT', `${inst}/users`, { body: true, query: ['host', 'name'] });
  sql('users.delete', 'DELETE', `${inst}/users`, { query: ['host', 'name'] });
  sql('operations.get', 'GET', 'projects/{project}/operations/{operation}');
  sql('operations.list', 'GET', 'projects/{project}/operations', { query: ['instance', 'maxResults', 'pageToken'] });
}

// ---- Secret Manager v1 ----
const sm = (name: string, m: ConnectorMethod['httpMethod'], path: string, opts: Partial<ConnectorMethod> = {}): void =>
  add(`secretmanager.v1.${name}`, 'secretmanager', m, `v1/${path}`, opts);
sm('projects.secrets.create', 'POST', '{+parent}/secrets', { body: true, query: ['secretId'] });
sm('projects.secrets.get', 'GET', '{+name}');
sm('projects.secrets.list', 'GET', '{+parent}/secrets', { query: ['filter', 'pageSize', 'pageToken'] });
sm('projects.secrets.patch', 'PATCH', '{+name}', { body: true, query: ['updateMask'] });
sm('projects.secrets.delete', 'DELETE', '{+name}', { query: ['etag'] });
sm('projects.secrets.addVersion', 'POST', '{+parent}:addVersion', { body: true });
sm('projects.secrets.versions.access', 'GET', '{+name}:access');
sm('projects.secrets.versions.get', 'GET', '{+name}');
sm('projects.secrets.versions.list', 'GET', '{+parent}/versions', { query: ['filter', 'pageSize', 'pageToken'] });
sm('projects.secrets.versions.enable', 'POST', '{+name}:enable', { body: true });
sm('projects.secrets.versions.disable', 'POST', '{+name}:disable', { body: true });
sm('projects.secrets.versions.destroy', 'POST', '{+name}:destroy', { body: true });

// ---- Cloud Storage JSON v1 ----
const gcs = (name: string, m: ConnectorMethod['httpMethod'], path: string, opts: Partial<ConnectorMethod> = {}): void =>
  add(`storage.v1.${name}`, 'storage', m, path, opts);
gcs('buckets.insert', 'POST', 'storage/v1/b', { body: true, query: ['project', 'predefinedAcl', 'predefinedDefaultObjectAcl', 'projection'] });
gcs('buckets.get', 'GET', 'storage/v1/b/{bucket}', { query: ['projection', 'ifMetagenerationMatch'] });
gcs('buckets.list', 'GET', 'storage/v1/b', { query: ['project', 'prefix', 'maxResults', 'pageToken', 'projection'] });
gcs('buckets.patch', 'PATCH', 'storage/v1/b/{bucket}', { body: true, query: ['projection', 'ifMetagenerationMatch'] });
gcs('buckets.update', 'PUT', 'storage/v1/b/{bucket}', { body: true, query: ['projection'] });
gcs('buckets.delete', 'DELETE', 'storage/v1/b/{bucket}', { query: ['ifMetagenerationMatch'] });
gcs('objects.insert', 'POST', 'storage/v1/b/{bucket}/o', {
  body: true, media: 'upload', query: ['uploadType', 'name', 'contentEncoding', 'ifGenerationMatch', 'predefinedAcl', 'projection'],
});
gcs('objects.get', 'GET', 'storage/v1/b/{bucket}/o/{object}', { media: 'download', query: ['alt', 'generation', 'ifGenerationMatch', 'projection'] });
gcs('objects.list', 'GET', 'storage/v1/b/{bucket}/o', { query: ['prefix', 'delimiter', 'maxResults', 'pageToken', 'versions', 'projection'] });
gcs('objects.patch', 'PATCH', 'storage/v1/b/{bucket}/o/{object}', { body: true, query: ['generation'] });
gcs('objects.delete', 'DELETE', 'storage/v1/b/{bucket}/o/{object}', { query: ['generation', 'ifGenerationMatch'] });
gcs('objects.copy', 'POST', 'storage/v1/b/{sourceBucket}/o/{sourceObject}/copyTo/b/{destinationBucket}/o/{destinationObject}', {
  body: true, query: ['sourceGeneration', 'ifGenerationMatch', 'ifSourceGenerationMatch', 'destinationPredefinedAcl', 'projection'],
});
gcs('objects.rewrite', 'POST', 'storage/v1/b/{sourceBucket}/o/{sourceObject}/rewriteTo/b/{destinationBucket}/o/{destinationObject}', {
  body: true, query: ['sourceGeneration', 'rewriteToken', 'maxBytesRewrittenPerCall', 'ifGenerationMatch', 'ifSourceGenerationMatch', 'projection'],
});

// ---- Pub/Sub v1 ----
const ps = (name: string, m: ConnectorMethod['httpMethod'], path: string, opts: Partial<ConnectorMethod> = {}): void =>
  add(`pubsub.v1.${name}`, 'pubsub', m, `v1/${path}`, opts);
ps('projects.topics.publish', 'POST', '{+topic}:publish', { body: true });
ps('projects.topics.create', 'PUT', '{+name}', { body: true });
ps('projects.topics.get', 'GET', '{+topic}');
ps('projects.topics.delete', 'DELETE', '{+topic}');
ps('projects.topics.list', 'GET', '{+project}/topics', { query: ['pageSize', 'pageToken'] });
ps('projects.subscriptions.create', 'PUT', '{+name}', { body: true });
ps('projects.subscriptions.get', 'GET', '{+subscription}');
ps('projects.subscriptions.delete', 'DELETE', '{+subscription}');
ps('projects.subscriptions.pull', 'POST', '{+subscription}:pull', { body: true });
ps('projects.subscriptions.acknowledge', 'POST', '{+subscription}:acknowledge', { body: true });
ps('projects.subscriptions.modifyAckDeadline', 'POST', '{+subscription}:modifyAckDeadline', { body: true });

// ---- Workflow Executions v1 ----
const wx = (name: string, m: ConnectorMethod['httpMethod'], path: string, opts: Partial<ConnectorMethod> = {}): void =>
  add(`workflowexecutions.v1.${name}`, 'workflowexecutions', m, `v1/${path}`, opts);
wx('projects.locations.workflows.executions.create', 'POST', '{+parent}/executions', { body: true });
wx('projects.locations.workflows.executions.get', 'GET', '{+name}', { query: ['view'] });
wx('projects.locations.workflows.executions.list', 'GET', '{+parent}/executions', { query: ['pageSize', 'pageToken', 'filter', 'orderBy', 'view'] });
wx('projects.locations.workflows.executions.cancel', 'POST', '{+name}:cancel', { body: true });

export const CONNECTOR_METHODS: ReadonlyMap<string, ConnectorMethod> = table;

/** Path params of a template, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{\+?([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]);
}

/** Positional order for calls inside expressions: path params, then body, then query params. */
export function positionalParams(m: ConnectorMethod): string[] {
  return [...pathParams(m.path), ...(m.body ? ['body'] : []), ...m.query, 'connector_params'];
}
