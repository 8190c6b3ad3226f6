/**
 * Variable frames. A subworkflow call starts a `routine` frame (callers' variables are invisible); a for loop
 * starts a `loop` frame (its value/index and any variable first assigned inside it vanish when it ends); a
 * parallel branch or iteration starts a `branch` frame (parent variables are readable, writable only when
 * listed in `shared`). Every frame reports sizes to one MemoryMeter, which enforces the execution's memory limit.
 */
import { tagged } from './errors.ts';
import { sizeInBytes, type WfValue } from './values.ts';

export class MemoryMeter {
  used = 0;
  constructor(readonly limit: number) {}

  change(delta: number, name: string): void {
    this.used += delta;
    if (delta > 0 && this.used > this.limit) {
      throw tagged('ResourceLimitError', `memory limit exceeded: variables use ${this.used} bytes, the limit is ${this.limit} (while assigning "${name}")`);
    }
  }
}

export type FrameKind = 'routine' | 'loop' | 'branch';

export class Frame {
  private readonly vars = new Map<string, WfValue>();
  private readonly sizes = new Map<string, number>();

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
    if (this.vars.has(name)) {
      if (crossedBranch && !crossedBranch.shared.has(name)) {
        throw tagged('TypeError', `variable "${name}" belongs to the parent scope of a parallel step and is not listed in "shared"`);
      }
      this.setOwn(name, value);
      return true;
    }
    if (this.kind === 'routine' || !this.parent) return false;
    return this.parent.tryAssignExisting(name, value, crossedBranch ?? (this.kind === 'branch' ? this : null));
  }

  /** Binds in this very frame (params, loop variables). */
  setOwn(name: string, value: WfValue): void {
    const size = sizeInBytes(value) + name.length;
    this.meter.change(size - (this.sizes.get(name) ?? 0), name);
    this.sizes.set(name, size);
    this.vars.set(name, value);
  }

  /** Releases this frame's memory when its scope ends. */
  dispose(): void {
    let total = 0;
    for (const s of this.sizes.values()) total += s;
    this.meter.used -= total;
    this.sizes.clear();
    this.vars.clear();
  }
}

const EMPTY: ReadonlySet<string> = new Set();
