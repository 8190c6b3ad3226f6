/**
 * gRPC errors with the canonical status codes the real Pub/Sub service returns, so client code
 * that branches on `err.code` (5 NOT_FOUND, 6 ALREADY_EXISTS, 3 INVALID_ARGUMENT) behaves the same
 * locally as in production. An error may carry a google.rpc.ErrorInfo, which the emulator sends in
 * the `grpc-status-details-bin` trailer the way Google's services do (the client reads exactly-once
 * ack failures from it).
 */
import { status } from '@grpc/grpc-js';

export interface ErrorInfo {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

export class PubsubError extends Error {
  constructor(readonly code: status, message: string, readonly errorInfo?: ErrorInfo) {
    super(message);
  }
}

export const invalidArgument = (message: string, errorInfo?: ErrorInfo) => new PubsubError(status.INVALID_ARGUMENT, message, errorInfo);
export const notFound = (message: string) => new PubsubError(status.NOT_FOUND, message);
export const alreadyExists = (message: string) => new PubsubError(status.ALREADY_EXISTS, message);
export const failedPrecondition = (message: string) => new PubsubError(status.FAILED_PRECONDITION, message);
export const unimplemented = (message: string) => new PubsubError(status.UNIMPLEMENTED, message);
export const unavailable = (message: string) => new PubsubError(status.UNAVAILABLE, message);

/** The per-ack-id failure code Pub/Sub reports for exactly-once subscriptions. */
export const PERMANENT_FAILURE_INVALID_ACK_ID = 'PERMANENT_FAILURE_INVALID_ACK_ID';

/** What Pub/Sub answers when some ack ids of an exactly-once subscription are expired or unknown. */
export function exactlyOnceAckFailure(invalidAckIds: string[]): PubsubError {
  return invalidArgument(
    'Some acknowledgement ids in the request were invalid. This could be because the acknowledgement ids have expired or the acknowledgement ids were malformed.',
    {
      reason: 'EXACTLY_ONCE_ACKID_FAILURE',
      domain: 'pubsub.googleapis.com',
      metadata: Object.fromEntries(invalidAckIds.map((id) => [id, PERMANENT_FAILURE_INVALID_ACK_ID])),
    },
  );
}

// ---- google.rpc.Status encoding (protobuf wire format, the three messages involved) ------------

function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n >>> 0;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function field(no: number, value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([varint((no << 3) | 2), varint(bytes.length), bytes]);
}

/** google.rpc.Status{code, message, details: [Any(google.rpc.ErrorInfo)]}. */
export function encodeStatusDetails(code: number, message: string, info: ErrorInfo): Buffer {
  const errorInfo = Buffer.concat([
    field(1, info.reason),
    field(2, info.domain),
    ...Object.entries(info.metadata).map(([k, v]) => field(3, Buffer.concat([field(1, k), field(2, v)]))),
  ]);
  const any = Buffer.concat([field(1, 'type.googleapis.com/google.rpc.ErrorInfo'), field(2, errorInfo)]);
  return Buffer.concat([Buffer.concat([varint(1 << 3), varint(code)]), field(2, message), field(3, any)]);
}
