// hash.* (node:crypto digests and HMACs, returning bytes) and uuid.generate.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { tagged } from '../errors.ts';
import * as a from './args.ts';
import { fn, type PureFunction } from './types.ts';

const ALGORITHMS: Record<string, string> = {
  MD5: 'md5', SHA1: 'sha1', SHA224: 'sha224', SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512',
};

function algorithm(fnName: string, name: string): string {
  const alg = ALGORITHMS[name];
  if (!alg) throw tagged('ValueError', `${fnName}: unsupported algorithm ${JSON.stringify(name)}; supported: ${Object.keys(ALGORITHMS).join(', ')}`);
  return alg;
}

export const cryptoFunctions: ReadonlyArray<[string, PureFunction]> = [
  ['hash.compute_checksum', fn(['data', 'algorithm'], ([d, alg]) => {
    const data = a.bytes('hash.compute_checksum', 'data', d);
    const name = algorithm('hash.compute_checksum', a.str('hash.compute_checksum', 'algorithm', alg));
    return new Uint8Array(createHash(name).update(data).digest());
  })],
  ['hash.compute_hmac', fn(['key', 'data', 'algorithm'], ([k, d, alg]) => {
    const key = a.bytes('hash.compute_hmac', 'key', k);
    const data = a.bytes('hash.compute_hmac', 'data', d);
    const name = algorithm('hash.compute_hmac', a.str('hash.compute_hmac', 'algorithm', alg));
    return new Uint8Array(createHmac(name, key).update(data).digest());
  })],
  ['uuid.generate', fn([], () => randomUUID())],
];
