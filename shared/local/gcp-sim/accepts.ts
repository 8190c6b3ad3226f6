/**
 * What a gcp-sim route models: its query parameters and the shape of its JSON body. The server
 * checks every request against its route's list before the handler runs, so a field, parameter
 * or header the simulator would ignore answers 501 UNIMPLEMENTED naming it, instead of a 2xx
 * whose state was silently dropped (a CORS config that is never stored, a CSEK upload that reads
 * back without its key).
 */
import { SimError } from './errors.ts';

/**
 * A body shape: `true` accepts any value there (an opaque map such as labels, or a value the
 * handler validates fully); an object lists the modelled fields of a nested message. Arrays are
 * checked element by element against the same shape.
 */
export type FieldSpec = true | { readonly [field: string]: FieldSpec };

export interface Accepts {
  /** Query parameters the route models, beyond the system parameters every route takes. */
  readonly query?: readonly string[];
  /** Query parameter prefixes the route models (e.g. `interval.` for Monitoring). */
  readonly queryPrefixes?: readonly string[];
  /** The JSON body's modelled fields; absent means the route reads no body. */
  readonly body?: FieldSpec;
  /** The whole method is not modelled: every call answers 501 with this text (e.g. object ACLs under an object path). */
  readonly refuse?: string;
  /** The body is media bytes, not a message (uploads): the handler checks whatever metadata it carries. */
  readonly rawBody?: boolean;
  /** Request headers whose presence changes the meaning of the call and that the route does not model. */
  readonly refuseHeaders?: readonly string[];
}

/**
 * Google's system parameters (https://cloud.google.com/apis/docs/system-parameters) that change
 * only the response's encoding, never state: `$alt=json;enum-encoding=int` is what google-gax's
 * REST transport sends, `fields` narrows a response (the sim answers with every field).
 */
const SYSTEM_PARAMS = new Set(['alt', '$alt', 'prettyPrint', '$prettyPrint', 'fields', '$fields', 'quotaUser', 'key', 'userProject', 'callback']);

/** Headers no route models: customer-supplied encryption keys (Storage) would be dropped, so the object would read back unencrypted. */
const ALWAYS_REFUSED_HEADERS = [
  'x-goog-encryption-key', 'x-goog-encryption-key-sha256', 'x-goog-encryption-algorithm',
  'x-goog-copy-source-encryption-key', 'x-goog-copy-source-encryption-key-sha256', 'x-goog-copy-source-encryption-algorithm',
];

export function unimplemented(message: string): SimError {
  return new SimError(501, `gcp-sim does not implement ${message}`, 'UNIMPLEMENTED', 'notImplemented');
}

/** Throws 501 naming the first query parameter, header or body field the route does not model. */
export function checkAccepted(routeId: string, accepts: Accepts, query: URLSearchParams, headers: Record<string, unknown>, json: unknown): void {
  if (accepts.refuse) throw unimplemented(accepts.refuse);
  for (const key of new Set(query.keys())) {
    if (SYSTEM_PARAMS.has(key) || accepts.query?.includes(key) || accepts.queryPrefixes?.some((p) => key.startsWith(p))) continue;
    throw unimplemented(`query parameter "${key}" of ${routeId}; it would be ignored.`);
  }
  for (const header of [...ALWAYS_REFUSED_HEADERS, ...(accepts.refuseHeaders ?? [])]) {
    if (headers[header] !== undefined) throw unimplemented(`header "${header}" on ${routeId}; it would be ignored.`);
  }
  if (accepts.rawBody || json === undefined || json === null || json === '') return;
  if (accepts.body === undefined) {
    if (setsNothing(json)) return;
    throw unimplemented(`a request body on ${routeId}; this method takes none.`);
  }
  const unknown = unknownField(json, accepts.body, '');
  if (unknown) throw unimplemented(`field "${unknown}" of ${routeId}; it would be dropped.`);
}

/**
 * Proto3 JSON default values set nothing: google-gax's REST transport serialises every map and
 * repeated field of a message (`versionAliases: {}`), and `false`/`""`/0 equal an unset field.
 */
function setsNothing(value: unknown): boolean {
  if (value === null || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>).every(setsNothing);
  return false;
}

/** The dotted path of the first field not in `spec` that sets something, or undefined. */
export function unknownField(value: unknown, spec: FieldSpec, at: string): string | undefined {
  if (spec === true || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unknownField(value[i], spec, `${at}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = at ? `${at}.${key}` : key;
    const sub = spec[key];
    if (sub === undefined) {
      if (setsNothing(child)) continue;
      return path;
    }
    const found = unknownField(child, sub, path);
    if (found) return found;
  }
  return undefined;
}
