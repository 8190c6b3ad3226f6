import { describe, expect, it } from 'vitest';
import { ev, evErr } from '../expr/helpers.ts';

describe('math', () => {
  it('abs keeps the type and checks int overflow', async () => {
    expect(await ev('math.abs(-3)')).toBe(3n);
    expect(await ev('math.abs(-2.5)')).toBe(2.5);
    expect((await evErr('math.abs(-9223372036854775808)')).tags).toEqual(['ValueError']);
    expect((await evErr('math.abs("1")')).tags).toEqual(['TypeError']);
  });

  it('floor returns an int', async () => {
    expect(await ev('math.floor(2.7)')).toBe(2n);
    expect(await ev('math.floor(-2.1)')).toBe(-3n);
    expect(await ev('math.floor(4)')).toBe(4n);
    expect((await evErr('math.floor(1e300)')).tags).toEqual(['ValueError']);
    expect((await evErr('math.floor(null)')).tags).toEqual(['TypeError']);
  });

  it('max and min return the winning argument unchanged, across int and double', async () => {
    expect(await ev('math.max(1, 2.5)')).toBe(2.5);
    expect(await ev('math.max(3, 2.5)')).toBe(3n);
    expect(await ev('math.min(1, 2.5)')).toBe(1n);
    expect(await ev('math.min(-1.5, 2)')).toBe(-1.5);
    expect((await evErr('math.max(1, "2")')).tags).toEqual(['TypeError']);
  });
});
