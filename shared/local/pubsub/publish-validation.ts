/**
 * Publish limits of the real service: at most 1000 messages and 10 MB per request, each message
 * carries data or at least one attribute, at most 100 attributes, keys up to 256 bytes (not
 * starting with "goog" except the clients' `googclient_`), values up to 1024 bytes, ordering keys up to 1024 bytes.
 */
import { invalidArgument } from './status.ts';

export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
export const MAX_MESSAGES_PER_REQUEST = 1000;

export interface IncomingMessage {
  data: Buffer;
  attributes: Record<string, string>;
  orderingKey: string;
}

export function validatePublish(messages: unknown): IncomingMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) throw invalidArgument('The request contains no messages: messages must not be empty.');
  if (messages.length > MAX_MESSAGES_PER_REQUEST) {
    throw invalidArgument(`The request contains ${messages.length} messages; at most ${MAX_MESSAGES_PER_REQUEST} are allowed per publish.`);
  }
  let total = 0;
  const out: IncomingMessage[] = [];
  messages.forEach((raw: { data?: unknown; attributes?: unknown; orderingKey?: unknown } | null, i) => {
    const where = `messages[${i}]`;
    if (!raw || typeof raw !== 'object') throw invalidArgument(`${where} is not a message.`);
    const data = raw.data == null ? Buffer.alloc(0) : Buffer.isBuffer(raw.data) ? raw.data : Buffer.from(raw.data as Uint8Array);
    const attributes: Record<string, string> = {};
    const entries = Object.entries((raw.attributes ?? {}) as Record<string, unknown>);
    if (entries.length > 100) throw invalidArgument(`${where}.attributes has ${entries.length} attributes; at most 100 are allowed.`);
    for (const [key, value] of entries) {
      if (key === '') throw invalidArgument(`${where}.attributes has an empty key.`);
      if (Buffer.byteLength(key) > 256) throw invalidArgument(`${where}.attributes key "${key.slice(0, 40)}…" is longer than 256 bytes.`);
      // `googclient_` is the client libraries' own prefix (e.g. OpenTelemetry context), which Pub/Sub accepts.
      if (key.toLowerCase().startsWith('goog') && !key.startsWith('googclient_')) {
        throw invalidArgument(`${where}.attributes key "${key}" is reserved: keys must not start with "goog".`);
      }
      if (typeof value !== 'string') throw invalidArgument(`${where}.attributes["${key}"] must be a string.`);
      if (Buffer.byteLength(value) > 1024) throw invalidArgument(`${where}.attributes["${key}"] is longer than 1024 bytes.`);
      attributes[key] = value;
      total += Buffer.byteLength(key) + Buffer.byteLength(value);
    }
    if (data.length === 0 && entries.length === 0) {
      throw invalidArgument(`${where} contains neither data nor attributes: a message needs non-empty data or at least one attribute.`);
    }
    const orderingKey = typeof raw.orderingKey === 'string' ? raw.orderingKey : '';
    if (Buffer.byteLength(orderingKey) > 1024) throw invalidArgument(`${where}.ordering_key is longer than 1024 bytes.`);
    total += data.length + Buffer.byteLength(orderingKey);
    if (total > MAX_REQUEST_BYTES) {
      throw invalidArgument(`Request payload size exceeds the limit: ${MAX_REQUEST_BYTES} bytes (reached at ${where}).`);
    }
    out.push({ data, attributes, orderingKey });
  });
  return out;
}
