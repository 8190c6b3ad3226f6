/**
 * Push delivery for one subscription: each leased message is POSTed to the endpoint; 2xx (and
 * 102) acks, anything else, a network error or no answer within the ack deadline nacks, which
 * then follows the retry and dead-letter policies exactly like a pull nack. Concurrency is
 * bounded per subscription by the number of leases the worker holds.
 */
import type { Broker, Logger, PushWorker } from './broker.ts';
import { buildPushRequest } from './push-request.ts';
import type { Pending } from './subscription-state.ts';
import type { PushConfig } from './types.ts';

export const DEFAULT_PUSH_CONCURRENCY = 16;

const ACK_STATUSES = new Set([102, 200, 201, 202, 204]);

export class HttpPushWorker implements PushWorker {
  readonly kind = 'push';
  private leases = 0;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly broker: Broker,
    private readonly subscription: string,
    private readonly config: PushConfig,
    private readonly logger: Logger,
    private readonly concurrency = DEFAULT_PUSH_CONCURRENCY,
  ) {}

  capacity() {
    return { messages: this.closed ? 0 : this.concurrency - this.leases, bytes: Infinity };
  }

  ackDeadlineSeconds(): number {
    return this.broker.subscriptions.get(this.subscription)?.config.ackDeadlineSeconds ?? 10;
  }

  deliver(batch: Pending[]): void {
    this.leases += batch.length;
    for (const p of batch) void this.post(p, p.ackId);
  }

  release(): void {
    this.leases = Math.max(0, this.leases - 1);
    if (!this.closed) this.broker.scheduleDispatch(this.subscription);
  }

  private async post(p: Pending, ackId: string): Promise<void> {
    const sub = this.broker.subscriptions.get(this.subscription);
    if (!sub) return;
    const request = buildPushRequest(p, this.subscription, sub.config.topic, this.config, this.broker.deliveryAttemptOf(this.subscription, p));
    let status = 0;
    let failure = '';
    try {
      const res = await fetch(this.config.pushEndpoint, {
        method: 'POST',
        headers: request.headers,
        body: new Uint8Array(request.body),
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.ackDeadlineSeconds() * 1000)]),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
    const current = this.broker.subscriptions.get(this.subscription);
    if (this.closed || !current) return;
    if (ACK_STATUSES.has(status)) {
      // A lease that expired or was revoked (seek) meanwhile is simply not acked, never an error here.
      this.broker.acknowledgeIds(current, [ackId]);
      return;
    }
    this.logger('pubsub emulator push delivery failed; nacking', {
      subscription: this.subscription, endpoint: this.config.pushEndpoint, messageId: p.message.messageId,
      attempt: p.attempts, ...(status ? { status } : { error: failure }),
    });
    this.broker.nack(this.subscription, ackId);
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
  }
}
