/**
 * One StreamingPull stream as a broker consumer. The Node client opens several streams per
 * subscriber and usually acks and modacks over unary calls, but a stream may also carry
 * ack_ids and modify_deadline_* fields: both paths are handled. Flow control follows the
 * client's max_outstanding_messages / max_outstanding_bytes.
 */
import * as grpc from '@grpc/grpc-js';
import type { Broker, Logger } from './broker.ts';
import { toReceivedMessage, toServiceError } from './grpc-util.ts';
import { invalidArgument } from './status.ts';
import type { Consumer, Pending } from './subscription-state.ts';

/** Applied when the client leaves max_outstanding_messages at 0, so one stream cannot take everything. */
const DEFAULT_MAX_OUTSTANDING = 1000;

type Call = grpc.ServerDuplexStream<Record<string, any>, Record<string, any>>;

class StreamConsumer implements Consumer {
  readonly kind = 'stream';
  private outstanding = 0;
  private outstandingBytes = 0;
  ended = false;

  constructor(
    private readonly call: Call,
    private readonly broker: Broker,
    private readonly subscription: string,
    private readonly maxMessages: number,
    private readonly maxBytes: number,
    private readonly deadlineSeconds: number,
  ) {}

  capacity() {
    if (this.ended || this.call.cancelled) return { messages: 0, bytes: 0 };
    return { messages: this.maxMessages - this.outstanding, bytes: this.maxBytes - this.outstandingBytes };
  }

  ackDeadlineSeconds(): number {
    return this.deadlineSeconds;
  }

  deliver(batch: Pending[]): void {
    this.outstanding += batch.length;
    for (const p of batch) this.outstandingBytes += p.bytes;
    const config = this.broker.subscriptions.get(this.subscription)?.config;
    this.call.write({
      receivedMessages: batch.map((p) => toReceivedMessage(p, this.broker.deliveryAttemptOf(this.subscription, p))),
      subscriptionProperties: {
        exactlyOnceDeliveryEnabled: Boolean(config?.enableExactlyOnceDelivery),
        messageOrderingEnabled: Boolean(config?.enableMessageOrdering),
      },
    });
  }

  release(p: Pending): void {
    this.outstanding = Math.max(0, this.outstanding - 1);
    this.outstandingBytes = Math.max(0, this.outstandingBytes - p.bytes);
    if (!this.ended) this.broker.scheduleDispatch(this.subscription);
  }
}

/**
 * Acks and modacks carried on the stream. Invalid ack ids end the stream as a unary call would
 * fail; on an exactly-once subscription expired ones are reported in the stream's
 * acknowledge / modify-deadline confirmations instead, as Pub/Sub does.
 */
function streamAcks(call: Call, broker: Broker, subscription: string, ackIds: string[], modIds: string[], modSeconds: number[]): void {
  const sub = broker.subscriptions.get(subscription);
  if (!sub) return;
  const exactlyOnce = sub.config.enableExactlyOnceDelivery;
  if (ackIds.length > 0) {
    const ids = broker.checkAckIds(sub, ackIds);
    const { unknown } = broker.acknowledgeIds(sub, ids);
    if (exactlyOnce) {
      const bad = new Set(unknown);
      call.write({ acknowledgeConfirmation: { ackIds: ids.filter((id) => !bad.has(id)), invalidAckIds: unknown, unorderedAckIds: [], temporaryFailedAckIds: [] } });
    }
  }
  if (modIds.length > 0) {
    const ok: string[] = [];
    const invalid: string[] = [];
    modIds.forEach((id, i) => {
      const { unknown } = broker.modifyAckDeadlineIds(sub, broker.checkAckIds(sub, [id]), modSeconds[i]!);
      (unknown.length > 0 ? invalid : ok).push(id);
    });
    if (exactlyOnce) call.write({ modifyAckDeadlineConfirmation: { ackIds: ok, invalidAckIds: invalid, temporaryFailedAckIds: [] } });
  }
}

export function handleStreamingPull(call: Call, broker: Broker, logger: Logger, streams: Set<Call>): void {
  let consumer: StreamConsumer | undefined;
  let subscription = '';
  let stopWatching: (() => void) | undefined;
  streams.add(call);

  let finished = false;
  const finish = (error?: Partial<grpc.StatusObject>) => {
    if (finished) return;
    finished = true;
    if (consumer) {
      consumer.ended = true;
      broker.removeConsumer(subscription, consumer);
    }
    stopWatching?.();
    streams.delete(call);
    if (error && !call.cancelled) call.emit('error', error);
    else if (!call.cancelled && call.writable) call.end();
  };

  call.on('data', (req: Record<string, any>) => {
    try {
      if (!consumer) {
        const deadline = Number(req.streamAckDeadlineSeconds ?? 0);
        if (deadline < 10 || deadline > 600) {
          throw invalidArgument(`Invalid stream_ack_deadline_seconds: ${deadline}. It must be between 10 and 600 seconds.`);
        }
        const sub = broker.getSubscription(req.subscription);
        subscription = sub.name;
        consumer = new StreamConsumer(
          call, broker, subscription,
          Number(req.maxOutstandingMessages) > 0 ? Number(req.maxOutstandingMessages) : DEFAULT_MAX_OUTSTANDING,
          Number(req.maxOutstandingBytes) > 0 ? Number(req.maxOutstandingBytes) : Infinity,
          deadline,
        );
        stopWatching = broker.onSubscriptionDeleted(subscription, () => finish({ code: grpc.status.NOT_FOUND, details: `Subscription does not exist: ${subscription}` }));
        broker.addConsumer(subscription, consumer);
      } else if (req.subscription && req.subscription !== subscription) {
        throw invalidArgument(`subscription must not change on an open stream (opened for ${subscription}, got ${req.subscription}).`);
      }
      const modIds: string[] = req.modifyDeadlineAckIds ?? [];
      const modSeconds: number[] = req.modifyDeadlineSeconds ?? [];
      if (modIds.length !== modSeconds.length) {
        throw invalidArgument(`modify_deadline_ack_ids (${modIds.length}) and modify_deadline_seconds (${modSeconds.length}) must have the same length.`);
      }
      const ackIds: string[] = req.ackIds ?? [];
      if (ackIds.length > 0 || modIds.length > 0) streamAcks(call, broker, subscription, ackIds, modIds, modSeconds);
    } catch (err) {
      finish(toServiceError(err, 'StreamingPull', logger));
    }
  });
  call.on('end', () => finish());
  call.on('cancelled', () => finish());
  call.on('error', () => finish());
}
