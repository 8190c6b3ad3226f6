/**
 * The deploy bundle's package-lock.json, derived from the repository's own lockfile: exactly the
 * packages (and versions, integrity hashes and resolved URLs) the repository was tested with, reduced
 * to what the bundle's dependencies reach. Cloud Functions' Node.js build runs `npm ci` when a
 * lockfile is present, so every deploy installs the same tree instead of resolving ranges afresh.
 */

/** An entry of a lockfileVersion 2/3 `packages` map. */
interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

export interface Lockfile {
  name?: string;
  version?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** Where Node would find `dep` required from the package installed at `from` (a lockfile path). */
function resolveFrom(packages: Record<string, LockEntry>, from: string, dep: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${dep}` : `node_modules/${dep}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? '' : dir.slice(0, cut);
  }
}

/** The installed version of each dependency, read from the root lockfile. */
export function installedVersions(root: Lockfile, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const entry = root.packages[`node_modules/${name}`];
    if (!entry?.version) throw new Error(`package-lock.json has no installed version of ${name}; run npm install`);
    out[name] = entry.version;
  }
  return out;
}

/**
 * The lockfile for a package `{ name, version, dependencies }` whose dependencies are pinned to the
 * versions the root lockfile installed. Fails if the root lockfile is missing a package a
 * dependency needs (the lock would not install).
 */
export function deriveLockfile(root: Lockfile, pkg: { name: string; version: string; dependencies: Record<string, string> }): Lockfile {
  if (root.lockfileVersion < 2 || !root.packages) throw new Error(`package-lock.json is lockfileVersion ${root.lockfileVersion}; need 2 or 3 (npm 7+)`);
  const packages: Record<string, LockEntry> = { '': { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies } };
  // Reached only through optional edges so far: such packages keep `optional: true` (npm ci skips them on a failed install).
  const onlyOptional = new Map<string, boolean>();
  const queue: Array<{ path: string; optional: boolean }> = [];
  const visit = (from: string, dep: string, optional: boolean, where: string) => {
    const path = resolveFrom(root.packages, from, dep);
    if (!path) {
      if (optional) return;
      throw new Error(`package-lock.json has no ${dep}, which ${where} needs`);
    }
    const seen = onlyOptional.get(path);
    if (seen === undefined || (seen && !optional)) {
      onlyOptional.set(path, optional);
      queue.push({ path, optional });
    }
  };
  for (const dep of Object.keys(pkg.dependencies)) visit('', dep, false, pkg.name);
  while (queue.length > 0) {
    const { path } = queue.shift()!;
    const entry = root.packages[path]!;
    const optional = onlyOptional.get(path)!;
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(path, dep, optional, path);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(path, dep, true, path);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) {
      // npm 7+ installs required peers; optional peers only if something else brings them.
      if (!entry.peerDependenciesMeta?.[dep]?.optional) visit(path, dep, optional, path);
    }
  }
  for (const path of [...onlyOptional.keys()].sort()) {
    const { dev: _dev, devOptional: _devOptional, optional: _optional, peer: _peer, ...entry } = root.packages[path]!;
    if (entry.link) throw new Error(`${path} is a linked package; the deploy bundle cannot ship it`);
    if (!entry.version || !entry.integrity) throw new Error(`${path} has no version or integrity in package-lock.json`);
    packages[path] = onlyOptional.get(path) ? { ...entry, optional: true } : entry;
  }
  return { name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages };
}
