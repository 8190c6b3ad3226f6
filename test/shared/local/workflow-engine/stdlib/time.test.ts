import { describe, expect, it } from 'vitest';
import { ev, evErr } from '../expr/helpers.ts';

describe('time.format', () => {
  it('formats Unix seconds as RFC 3339 UTC with microseconds', async () => {
    expect(await ev('time.format(0)')).toBe('1970-01-01T00:00:00.000000Z');
    expect(await ev('time.format(1650474073.869125)')).toBe('2022-04-20T17:01:13.869125Z');
    expect(await ev('time.format(-1.5)')).toBe('1969-12-31T23:59:58.500000Z');
    expect(await ev('time.format(1700000000)')).toBe('2023-11-14T22:13:20.000000Z');
  });

  it('applies an IANA time zone offset', async () => {
    expect(await ev('time.format(1700000000, "America/New_York")')).toBe('2023-11-14T17:13:20.000000-05:00');
    expect(await ev('time.format(1690000000, "America/New_York")')).toBe('2023-07-22T00:26:40.000000-04:00');
    expect(await ev('time.format(1700000000, "Asia/Kolkata")')).toBe('2023-11-15T03:43:20.000000+05:30');
    expect(await ev('time.format(0, "UTC")')).toBe('1970-01-01T00:00:00.000000Z');
  });

  it('raises ValueError for unknown zones and out-of-range values, TypeError for non-numbers', async () => {
    expect((await evErr('time.format(0, "Mars/Olympus")')).tags).toEqual(['ValueError']);
    expect((await evErr('time.format(1e300)')).tags).toEqual(['ValueError']);
    expect((await evErr('time.format("0")')).tags).toEqual(['TypeError']);
  });
});

describe('time.parse', () => {
  it('parses RFC 3339 text to Unix seconds as a double', async () => {
    expect(await ev('time.parse("1970-01-01T00:00:00Z")')).toBe(0);
    expect(await ev('type(time.parse("1970-01-01T00:00:00Z"))')).toBe('double');
    expect(await ev('time.parse("2023-11-14T17:13:20-05:00")')).toBe(1700000000);
    expect(await ev('time.parse("2022-04-20T17:01:13.869125Z")')).toBeCloseTo(1650474073.869125, 6);
    expect(await ev('time.parse(time.format(1234567890.5))')).toBe(1234567890.5);
  });

  it('raises ValueError for malformed or impossible timestamps', async () => {
    for (const bad of ['2023-02-30T00:00:00Z', '2023-13-01T00:00:00Z', '2023-01-01', '2023-01-01T25:00:00Z', 'yesterday', '2023-01-01T00:00:00+24:00']) {
      expect((await evErr(`time.parse("${bad}")`)).tags, bad).toEqual(['ValueError']);
    }
  });
});
