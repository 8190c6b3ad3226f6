import { describe, expect, it } from 'vitest';
import { deriveLockfile, installedVersions, type Lockfile } from '../../../../shared/local/build/lockfile.ts';

const entry = (version: string, extra: Record<string, unknown> = {}) => ({ version, resolved: `https://registry.example/${version}.tgz`, integrity: `sha512-${version}`, ...extra });

// A root lockfile in npm's v3 shape: `a` needs `b` (a nested copy of 2.0.0 shadows the hoisted 1.0.0)
// and optionally `c`; `dev-tool` and `d` belong to nothing the bundle needs.
const root: Lockfile = {
  name: 'repo', version: '1.0.0', lockfileVersion: 3, requires: true,
  packages: {
    '': { name: 'repo', version: '1.0.0', dependencies: { a: '^1.0.0', d: '^1.0.0' }, devDependencies: { 'dev-tool': '^1.0.0' } } as never,
    'node_modules/a': entry('1.2.3', { dependencies: { b: '^2.0.0' }, optionalDependencies: { c: '^1.0.0' } }),
    'node_modules/a/node_modules/b': entry('2.0.0', { peerDependencies: { e: '*' }, peerDependenciesMeta: { e: { optional: true } } }),
    'node_modules/b': entry('1.0.0'),
    'node_modules/c': entry('1.1.0', { optional: true }),
    'node_modules/d': entry('1.0.0'),
    'node_modules/dev-tool': entry('3.0.0', { dev: true }),
  },
};

describe('deriveLockfile', () => {
  it('keeps exactly what the dependencies reach, resolved the way Node resolves, with the root lockfile\'s versions and hashes', () => {
    const lock = deriveLockfile(root, { name: 'bundle', version: '1.0.0', dependencies: installedVersions(root, ['a']) });
    expect(lock.packages['']).toEqual({ name: 'bundle', version: '1.0.0', dependencies: { a: '1.2.3' } });
    expect(Object.keys(lock.packages).sort()).toEqual(['', 'node_modules/a', 'node_modules/a/node_modules/b', 'node_modules/c']);
    expect(lock.packages['node_modules/a/node_modules/b']).toMatchObject({ version: '2.0.0', integrity: 'sha512-2.0.0' });
    // Reached only through an optional edge: stays optional, so npm ci tolerates a platform skipping it.
    expect(lock.packages['node_modules/c']).toMatchObject({ version: '1.1.0', optional: true });
    expect(lock.packages['node_modules/a']!.optional).toBeUndefined();
  });

  it('names a dependency the root lockfile lacks, and a package never installed', () => {
    const broken: Lockfile = { ...root, packages: { ...root.packages, 'node_modules/a': entry('1.2.3', { dependencies: { missing: '^1.0.0' } }) } };
    expect(() => deriveLockfile(broken, { name: 'bundle', version: '1.0.0', dependencies: { a: '1.2.3' } })).toThrow('package-lock.json has no missing, which node_modules/a needs');
    expect(() => installedVersions(root, ['zod'])).toThrow('package-lock.json has no installed version of zod; run npm install');
    expect(() => deriveLockfile({ lockfileVersion: 1, packages: {} } as Lockfile, { name: 'b', version: '1', dependencies: {} })).toThrow(/lockfileVersion 1/);
  });
});
