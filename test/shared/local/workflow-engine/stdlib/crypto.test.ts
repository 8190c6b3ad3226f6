import { describe, expect, it } from 'vitest';
import { ev, evErr } from '../expr/helpers.ts';

describe('hash', () => {
  it('computes checksums as bytes', async () => {
    expect(await ev('base64.encode(hash.compute_checksum(text.encode("abc"), "SHA256"))')).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
    expect(await ev('len(hash.compute_checksum(text.encode(""), "MD5"))')).toBe(16n);
    expect(await ev('len(hash.compute_checksum(text.encode(""), "SHA512"))')).toBe(64n);
  });

  it('computes the documented HMAC example', async () => {
    expect(await ev('base64.encode(hash.compute_hmac(text.encode("key", "UTF-8"), text.encode("Hello World", "UTF-8"), "SHA256"))'))
      .toBe('QidPcoCDkuWLV9co1+PA5RY+rwfRZdwDEF9iq74afRE=');
  });

  it('raises ValueError for an unsupported algorithm and TypeError for non-bytes', async () => {
    expect((await evErr('hash.compute_checksum(text.encode("a"), "SHA3")')).tags).toEqual(['ValueError']);
    expect((await evErr('hash.compute_checksum("a", "SHA256")')).tags).toEqual(['TypeError']);
    expect((await evErr('hash.compute_hmac("k", text.encode("a"), "SHA256")')).tags).toEqual(['TypeError']);
  });
});

describe('uuid.generate', () => {
  it('returns distinct version-4 UUID strings', async () => {
    const a = await ev('uuid.generate()');
    const b = await ev('uuid.generate()');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
});
