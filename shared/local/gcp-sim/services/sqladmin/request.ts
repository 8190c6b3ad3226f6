/**
 * Per-request helpers shared by the Cloud SQL route handlers: decoding the body (enum names or
 * numbers), reading timestamps, and encoding the response the way the caller asked for.
 */
import type { SimRequest, SimResponse } from '../../router.ts';
import { invalid } from '../../errors.ts';
import { EnumError, enumsToNames, enumsToNumbers, wantsIntEnums } from './proto-enums.ts';
import { linkBase, type LinkBase } from './render.ts';

/** Parses the JSON body as the given v1 message type, with enums normalised to their names. */
export function body<T = Record<string, any>>(req: SimRequest, typeName: string, required = true): T {
  // google-gax's REST transport sends an empty message as the JSON string "".
  if (req.json === undefined || req.json === null || req.json === '') {
    if (required) throw invalid(`Request body is required (a ${typeName} JSON object).`);
    return {} as T;
  }
  if (typeof req.json !== 'object' || Array.isArray(req.json)) throw invalid(`Request body must be a ${typeName} JSON object.`);
  try {
    return enumsToNames(req.json as T, typeName);
  } catch (err) {
    if (err instanceof EnumError) throw invalid(err.message);
    throw err;
  }
}

export function reply(req: SimRequest, resource: unknown, typeName: string, status = 200): SimResponse {
  return { status, body: wantsIntEnums(req.query) ? enumsToNumbers(resource, typeName) : resource };
}

export function links(req: SimRequest, origin: string): LinkBase {
  return linkBase(origin, req.path);
}

/** RFC 3339 timestamp (as the REST surface carries google.protobuf.Timestamp) to epoch ms. */
export function timestamp(value: unknown, where: string): number {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw invalid(`Invalid value at '${where}' (${JSON.stringify(value)}): expected an RFC 3339 timestamp such as 2014-10-02T15:01:23.045Z.`);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(`Invalid value at '${where}' (${value}): not a valid time.`);
  return ms;
}

export function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(`Invalid value at '${where}': expected a string.`);
  return value;
}

export function requiredString(value: unknown, where: string): string {
  const s = optionalString(value, where);
  if (s === undefined) throw invalid(`Missing required field '${where}'.`);
  return s;
}

const INSTANCE_NAME = /^[a-z][a-z0-9-]{0,96}[a-z0-9]$|^[a-z]$/;

export function instanceName(value: unknown, where: string): string {
  const name = requiredString(value, where);
  if (!INSTANCE_NAME.test(name)) {
    throw invalid(`Invalid value at '${where}' ("${name}"): instance names use lowercase letters, digits and hyphens, start with a letter and have at most 98 characters.`);
  }
  return name;
}
