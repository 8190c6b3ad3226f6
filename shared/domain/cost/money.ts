/**
 * Costs are added in integer nanos of the currency (Money's own precision), so the parts of a
 * report add up to its total exactly; they become numbers only at the edge.
 */
export const NANOS = 1_000_000_000;

export function toNanos(amount: number): number {
  return Math.round(amount * NANOS);
}

export function fromNanos(nanos: number): number {
  return nanos / NANOS;
}

export function sumNanos(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
