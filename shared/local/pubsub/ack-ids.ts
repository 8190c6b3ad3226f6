/**
 * Ack ids: `<subscription tag>-<emulator run>-<sequence>`. The format lets the emulator tell a
 * malformed or foreign ack id (INVALID_ARGUMENT, as Pub/Sub answers) from one it issued that has
 * since expired, been superseded or been acked (silently accepted without exactly-once delivery,
 * as Pub/Sub does). Ack ids of an earlier run of a persistent emulator count as expired.
 */
import { createHash, randomBytes } from 'node:crypto';

const FORMAT = /^([0-9a-f]{8})-([0-9a-f]{8})-([0-9a-z]{1,11})$/;

export class AckIds {
  private readonly run = randomBytes(4).toString('hex');
  private seq = 0;
  private readonly tags = new Map<string, string>();

  private tag(subscription: string): string {
    let tag = this.tags.get(subscription);
    if (!tag) this.tags.set(subscription, (tag = createHash('sha256').update(subscription).digest('hex').slice(0, 8)));
    return tag;
  }

  next(subscription: string): string {
    return `${this.tag(subscription)}-${this.run}-${(++this.seq).toString(36)}`;
  }

  /** Whether `ackId` could have been issued for `subscription` (by this run or an earlier one). */
  wellFormed(subscription: string, ackId: string): boolean {
    const m = FORMAT.exec(ackId);
    if (!m || m[1] !== this.tag(subscription)) return false;
    return m[2] !== this.run || Number.parseInt(m[3]!, 36) <= this.seq;
  }
}
