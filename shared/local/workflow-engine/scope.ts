/**
 * Variable frames. A subworkflow call starts a `routine` frame (callers' variables are invisible); a for loop
 * starts a `loop` frame (its value/index and any variable first assigned inside it vanish when it ends); a
 * parallel branch or iteration starts a `branch` frame (parent variables are readable, writable only when
 * listed in `shared`). Every frame reports sizes to one MemoryMeter, which enforces the execution's memory limit.
 */
import { tagged } from './errors.ts';
import { measureAndRelease } from './ownership.ts';
import type { WfValue } from './values.ts';

export class MemoryMeter {
  used = 0;
  constructor(readonly limit: number) {}

  /** Applies a change; one that would pass the limit raises ResourceLimitError and is not applied. */
  change(delta: number, name: string): void {
    const after = this.used + delta;
    if (delta > 0 && after > this.limit) {
      throw tagged('ResourceLimitError', `memory limit exceeded: variables use ${after} bytes, the limit is ${this.limit} (while assigning "${name}")`);
    }
    this.used = after;
  }
}

export type FrameKind = 'routine' | 'loop' | 'branch';

export class Frame {
  private readonly vars = new Map<string, WfValue>();
  private readonly sizes = new Map<string, number>();
  /** One token per variable slot: the owner of the slot's root container (see ownership.ts). */
  private readonly slots = new Map<string, object>();

  constructor(
    readonly kind: FrameKind,
    readonly parent: Frame | null,
    readonly meter: MemoryMeter,
    /** For branch frames: the parent variables the branch may write. */
    readonly shared: ReadonlySet<string> = EMPTY,
  ) {}

  lookup(name: string): WfValue | undefined {
    const v = this.vars.get(name);
    if (v !== undefined) return v;
    return this.kind === 'routine' || !this.parent ? undefined : this.parent.lookup(name);
  }

  /** Assigns where the variable lives (subject to the branch rule), else creates it in this frame. */
  assign(name: string, value: WfValue): void {
    if (!this.tryAssignExisting(name, value, null)) this.setOwn(name, value);
  }

  /** Updates `name` in this frame or an enclosing one; false when no frame of the routine has it. */
  private tryAssignExisting(name: string, value: WfValue, crossedBranch: Frame | null): boolean {
    const holder = this.holderFrom(name, crossedBranch);
    if (!holder) return false;
    holder.setOwn(name, value);
    return true;
  }

  /**
   * The frame an assignment to the existing variable `name` writes to, or null when no frame of the routine
   * has it; a write across a parallel branch to a variable not in `shared` raises TypeError.
   */
  holderOf(name: string): Frame | null {
    return this.holderFrom(name, null);
  }

  private holderFrom(name: string, crossedBranch: Frame | null): Frame | null {
    if (this.vars.has(name)) {
      if (crossedBranch && !crossedBranch.shared.has(name)) {
        throw tagged('TypeError', `variable "${name}" belongs to the parent scope of a parallel step and is not listed in "shared"`);
      }
      return this;
    }
    if (this.kind === 'routine' || !this.parent) return null;
    return this.parent.holderFrom(name, crossedBranch ?? (this.kind === 'branch' ? this : null));
  }

  /** The value bound in this very frame. */
  own(name: string): WfValue | undefined {
    return this.vars.get(name);
  }

  /** The ownership token of this frame's slot `name`. */
  slot(name: string): object {
    let token = this.slots.get(name);
    if (!token) {
      token = {};
      this.slots.set(name, token);
    }
    return token;
  }

  /** Binds in this very frame (params, loop variables). */
  setOwn(name: string, value: WfValue): void {
    const size = measureAndRelease(value) + name.length;
    this.meter.change(size - (this.sizes.get(name) ?? 0), name);
    this.sizes.set(name, size);
    this.vars.set(name, value);
  }

  /**
   * Charges a change of `delta` bytes to this frame's variable `name` before an in-place write; raises the
   * memory-limit error (changing nothing) when it does not fit.
   */
  reserve(name: string, delta: number): void {
    this.meter.change(delta, name);
    this.sizes.set(name, (this.sizes.get(name) ?? 0) + delta);
  }

  /** Rebinds `name` in this frame to a value whose size was already charged with reserve(). */
  rebind(name: string, value: WfValue): void {
    this.vars.set(name, value);
  }

  /** Releases this frame's memory when its scope ends. */
  dispose(): void {
    let total = 0;
    for (const s of this.sizes.values()) total += s;
    this.meter.used -= total;
    this.sizes.clear();
    this.vars.clear();
    this.slots.clear();
  }
}

const EMPTY: ReadonlySet<string> = new Set();
