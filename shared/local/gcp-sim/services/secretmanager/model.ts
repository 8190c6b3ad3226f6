/**
 * Secret Manager v1 resources as the REST surface shows them
 * (https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets and
 * .../projects.secrets.versions). Payloads are kept base64-encoded so a snapshot is plain JSON.
 */
import { SimError } from '../../errors.ts';

export type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED';

/** google.cloud.secretmanager.v1.SecretVersion.State numbers, for `$alt=json;enum-encoding=int`. */
export const VERSION_STATE_NUMBER: Record<VersionState, number> = { ENABLED: 1, DISABLED: 2, DESTROYED: 3 };

export interface StoredVersion {
  number: number;
  createTime: string;
  state: VersionState;
  destroyTime?: string;
  /** base64 payload; absent once destroyed. */
  data?: string;
  /** Decimal string, as int64 travels in proto3 JSON. */
  dataCrc32c?: string;
  clientSpecifiedPayloadChecksum: boolean;
  etag: string;
}

export interface StoredSecret {
  /** projects/{p}/secrets/{id} or projects/{p}/locations/{l}/secrets/{id} */
  name: string;
  createTime: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  replication: unknown;
  etag: string;
  versions: StoredVersion[];
}

export interface SecretManagerState {
  secrets: StoredSecret[];
}

const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

export function checkSecretId(id: string | null): string {
  if (!id) throw new SimError(400, 'The request is missing the required field secret_id.', 'INVALID_ARGUMENT');
  if (!SECRET_ID.test(id)) {
    throw new SimError(400, `Secret ID [${id}] is invalid: it must be 1 to 255 characters from [a-zA-Z0-9_-].`, 'INVALID_ARGUMENT');
  }
  return id;
}

export function checkLabels(labels: unknown, field: string): Record<string, string> {
  if (labels === undefined || labels === null) return {};
  if (typeof labels !== 'object' || Array.isArray(labels)) throw new SimError(400, `Invalid value at '${field}': expected a map of strings.`, 'INVALID_ARGUMENT');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    if (!LABEL_KEY.test(key)) throw new SimError(400, `Invalid label key [${key}] in ${field}: keys start with a lowercase letter and hold at most 63 lowercase letters, digits, '_' or '-'.`, 'INVALID_ARGUMENT');
    if (typeof value !== 'string' || !LABEL_VALUE.test(value)) throw new SimError(400, `Invalid label value for key [${key}] in ${field}: at most 63 lowercase letters, digits, '_' or '-'.`, 'INVALID_ARGUMENT');
    out[key] = value;
  }
  return out;
}

/** Enums go out as numbers when the caller asked for `$alt=json;enum-encoding=int` (google-gax REST fallback does). */
export function wantsIntEnums(query: URLSearchParams): boolean {
  return (query.get('$alt') ?? '').includes('enum-encoding=int');
}

export function secretJson(secret: StoredSecret): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: secret.name,
    replication: secret.replication,
    createTime: secret.createTime,
    etag: secret.etag,
  };
  if (Object.keys(secret.labels).length) out.labels = secret.labels;
  if (Object.keys(secret.annotations).length) out.annotations = secret.annotations;
  return out;
}

export function versionJson(secret: StoredSecret, version: StoredVersion, intEnums: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: `${secret.name}/versions/${version.number}`,
    createTime: version.createTime,
    state: intEnums ? VERSION_STATE_NUMBER[version.state] : version.state,
    replicationStatus: { automatic: {} },
    etag: version.etag,
    clientSpecifiedPayloadChecksum: version.clientSpecifiedPayloadChecksum,
  };
  if (version.destroyTime) out.destroyTime = version.destroyTime;
  return out;
}

/** Page tokens are opaque to callers; here they are the base64 of the next index. */
export function paginate<T>(items: T[], query: URLSearchParams, maxPageSize: number): { page: T[]; nextPageToken?: string } {
  const rawSize = query.get('pageSize');
  const size = rawSize === null || rawSize === '' || rawSize === '0' ? maxPageSize : Number(rawSize);
  if (!Number.isInteger(size) || size < 0) throw new SimError(400, `Invalid value for page_size: ${rawSize}; expected a non-negative integer.`, 'INVALID_ARGUMENT');
  const token = query.get('pageToken');
  let start = 0;
  if (token) {
    start = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0 || start > items.length) throw new SimError(400, `Invalid page_token [${token}].`, 'INVALID_ARGUMENT');
  }
  const end = Math.min(items.length, start + Math.min(size, maxPageSize));
  const page = items.slice(start, end);
  return end < items.length ? { page, nextPageToken: Buffer.from(String(end)).toString('base64url') } : { page };
}
