/** Glue between grpc-js handlers and the broker: error mapping and message conversion. */
import * as grpc from '@grpc/grpc-js';
import { encodeStatusDetails, PubsubError } from './status.ts';
import type { Pending } from './subscription-state.ts';
import { toTimestamp } from './types.ts';
import type { Logger } from './broker.ts';

export function toServiceError(err: unknown, method: string, logger: Logger): Partial<grpc.StatusObject> {
  if (err instanceof PubsubError) {
    if (!err.errorInfo) return { code: err.code, details: err.message };
    const metadata = new grpc.Metadata();
    metadata.set('grpc-status-details-bin', encodeStatusDetails(err.code, err.message, err.errorInfo));
    return { code: err.code, details: err.message, metadata };
  }
  logger('pubsub emulator internal error', { method, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  return { code: grpc.status.INTERNAL, details: `Pub/Sub emulator internal error in ${method}: ${err instanceof Error ? err.message : String(err)}` };
}

/** Wraps a synchronous unary implementation so thrown PubsubErrors become gRPC statuses. */
export function unary<Req, Res>(method: string, logger: Logger, fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Res) {
  return (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => {
    let result: Res;
    try {
      result = fn(call.request, call);
    } catch (err) {
      callback(toServiceError(err, method, logger), null);
      return;
    }
    callback(null, result);
  };
}

export function toReceivedMessage(p: Pending, deliveryAttempt: number | undefined) {
  const m = p.message;
  return {
    ackId: p.ackId,
    message: {
      data: m.data,
      attributes: m.attributes,
      messageId: m.messageId,
      publishTime: toTimestamp(m.publishTimeMs),
      orderingKey: m.orderingKey,
    },
    deliveryAttempt: deliveryAttempt ?? 0,
  };
}

/** Offset page tokens over a sorted list: good enough for a single-process emulator. */
export function page<T>(items: T[], pageSize: number, pageToken: string): { items: T[]; nextPageToken: string } {
  const start = pageToken ? Number.parseInt(Buffer.from(pageToken, 'base64url').toString('utf8'), 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw new PubsubError(grpc.status.INVALID_ARGUMENT, `Invalid page_token: "${pageToken}".`);
  const size = pageSize > 0 ? Math.min(pageSize, 1000) : 1000;
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : '';
  return { items: slice, nextPageToken: next };
}
