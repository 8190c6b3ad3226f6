import { describe, expect, it } from 'vitest';
import { splitAcrossTiers } from '../../../../shared/domain/cost/tiers.ts';

const requests = [{ startUsageAmount: 0, unitPrice: 0 }, { startUsageAmount: 2_000_000, unitPrice: 0.0000004 }];

describe('tiered rates', () => {
  it('usage inside the free tier costs nothing', () => {
    expect(splitAcrossTiers(0, 1_000_000, requests)).toEqual([{ tierStart: 0, unitPrice: 0, usage: 1_000_000 }]);
  });
  it('usage that crosses the boundary is split at it', () => {
    // 1.5 M already this month, 1 M more: 0.5 M free, 0.5 M at $0.40 per million.
    expect(splitAcrossTiers(1_500_000, 1_000_000, requests)).toEqual([
      { tierStart: 0, unitPrice: 0, usage: 500_000 },
      { tierStart: 2_000_000, unitPrice: 0.0000004, usage: 500_000 },
    ]);
  });
  it('usage past the last boundary is all in the last tier', () => {
    expect(splitAcrossTiers(3_000_000, 10, requests)).toEqual([{ tierStart: 2_000_000, unitPrice: 0.0000004, usage: 10 }]);
  });
  it('refuses negative usage and empty tiers', () => {
    expect(() => splitAcrossTiers(0, -1, requests)).toThrow(RangeError);
    expect(() => splitAcrossTiers(0, 1, [])).toThrow(/without price tiers/);
  });
});
