/**
 * Copy-on-write with ownership, so `m[key]: v` and `l: ${list.concat(l, x)}` in a loop cost O(1) each instead of
 * copying and re-measuring the whole variable (Workflows values have value semantics: no write may be seen through
 * another holder of the same value).
 *
 * A container may be mutated in place only while exactly one variable can reach it:
 * - a variable's root container is owned when `owner.get(root)` is that variable's slot token (Frame.slot);
 * - a nested container is owned when `owner.get(child)` is the owned root it was copied under, so replacing
 *   the root (after it was shared) disowns every child at once.
 * Ownership is only ever granted to a copy made by the write path itself. It is revoked wherever a value can gain
 * a second holder: every binding (Frame.setOwn), every value written into a container, and a for loop's list.
 * Both already measure the value they store, so revoking walks the same nodes at no extra order of cost.
 */
import { tagged } from './errors.ts';
import { isMap, newMap, sizeAccounting, typeName, type WfValue } from './values.ts';

const owner = new WeakMap<object, object>();

/** Elements copied by the write path, for tests that check growth structurally (no wall clock). */
export const copyAccounting = { elements: 0 };

export function isOwned(v: WfValue, by: object): boolean {
  return v !== null && typeof v === 'object' && owner.get(v) === by;
}

/** Revokes ownership of `v` alone (its children are disowned by their root being replaced on the next write). */
export function disown(v: WfValue): void {
  if (v !== null && typeof v === 'object') owner.delete(v);
}

/** A shallow copy of a list or map, owned by `by`; TypeError for anything else. */
export function ownedCopy(v: WfValue, by: object, where: string): WfValue[] | Record<string, WfValue> {
  let out: WfValue[] | Record<string, WfValue>;
  if (Array.isArray(v)) {
    out = v.slice();
    copyAccounting.elements += v.length;
  } else if (isMap(v)) {
    const m = newMap();
    const keys = Object.keys(v);
    for (const k of keys) m[k] = v[k];
    copyAccounting.elements += keys.length;
    out = m;
  } else {
    throw tagged('TypeError', `cannot assign into a ${typeName(v)} in "${where}"`);
  }
  owner.set(out, by);
  return out;
}

/** A fresh empty map created on a write path (a missing intermediate key), owned by `root`. */
export function ownedEmptyMap(root: object): Record<string, WfValue> {
  const m = newMap();
  owner.set(m, root);
  return m;
}

/**
 * sizeInBytes(v) (same figures: see values.ts), revoking ownership of every container inside `v` on the way,
 * for a value about to gain a holder.
 */
export function measureAndRelease(v: WfValue): number {
  sizeAccounting.nodes++;
  switch (typeof v) {
    case 'string': return Buffer.byteLength(v, 'utf8');
    case 'bigint': case 'number': return 8;
    case 'boolean': return 4;
    default: break;
  }
  if (v === null) return 4;
  if (v instanceof Uint8Array) return v.length;
  owner.delete(v);
  if (Array.isArray(v)) {
    let n = 2;
    for (const x of v) n += measureAndRelease(x) + 1;
    return n;
  }
  let n = 2;
  for (const k of Object.keys(v)) n += Buffer.byteLength(k, 'utf8') + 4 + measureAndRelease(v[k]);
  return n;
}
