/**
 * Ack ids: `<subscription tag>-<emulator run>-<sequence>`. The format lets the emulator tell a
 * malformed or foreign ack id (INVALID_ARGUMENT, as Pub/Sub answers) from one it issued that has
 * since expired, been superseded or been acked (silently accepted without exactly-once delivery,
 * as Pub/Sub does). Ack ids of an earlier run of a persistent emulator count as expired.
 */
import { createHash, randomBytes } from 'node:crypto';
import { invalidArgument } from './status.ts';

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

export function validateDeadline(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 600) {
    throw invalidArgument(`Invalid ack deadline given: ${seconds}. The deadline must be between 0 and 600 seconds.`);
  }
}

/** Malformed ack ids, or ids issued for another subscription, are refused as Pub/Sub refuses them. */
export function validateAckIds(ackIds: unknown, subscription: string, issued: AckIds): string[] {
  if (!Array.isArray(ackIds) || ackIds.length === 0) throw invalidArgument('ack_ids must contain at least one ack id.');
  ackIds.forEach((id, i) => {
    if (typeof id !== 'string' || id === '') throw invalidArgument(`ack_ids[${i}] is empty or not a string.`);
    if (!issued.wellFormed(subscription, id)) throw invalidArgument(`You have passed an invalid ack ID to the service (ack_id=${id}).`);
  });
  return ackIds as string[];
}
