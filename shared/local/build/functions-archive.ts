/**
 * The functions' deployable archive (`npm run build`): one ESM bundle of functions/index.ts (each
 * function's module, flow and clients a lazy chunk of their own, the clients' JavaScript inlined), a
 * package.json listing exactly the packages that bundle still imports (functions-framework) at the
 * versions the repository installed, and a
 * package-lock.json derived from the repository's, zipped. Terraform uploads the zip under a name
 * that contains its SHA-256.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundleEntry } from './bundle.ts';
import { deriveLockfile, installedVersions, type Lockfile } from './lockfile.ts';
import { createZip } from './zip.ts';

export interface BuildOptions {
  /** Repository root holding package.json (default: the current directory). */
  repoRoot?: string;
  /** Entry file, relative to repoRoot (default functions/index.ts). */
  entry?: string;
  /** Directory the unpacked build is written to; the archive is `${outDir}.zip` (default dist/functions). */
  outDir?: string;
}

export interface BuildResult {
  outDir: string;
  archivePath: string;
  sha256: string;
  archiveBytes: number;
  bundleBytes: number;
  /** name → exact version, as installed by the root package-lock.json. */
  dependencies: Record<string, string>;
  entries: string[];
}

interface RootPackage {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  engines?: Record<string, string>;
}

export const BUNDLE_FILE = 'index.js';
const MARKER = '.stackctl-build';

/**
 * The output directory is deleted before each build, so it must be one this command
 * created (or a new or empty one), and never the repository or one of its parents.
 */
function assertDisposable(outDir: string, repoRoot: string): void {
  if (repoRoot === outDir || repoRoot.startsWith(`${outDir}/`)) throw new Error(`--out ${outDir} would delete the repository`);
  if (!existsSync(outDir)) return;
  const content = readdirSync(outDir);
  if (content.length > 0 && !content.includes(MARKER)) {
    throw new Error(`--out ${outDir} exists and was not written by stackctl build; choose an empty or new directory`);
  }
}

export async function buildFunctionsArchive(options: BuildOptions = {}): Promise<BuildResult> {
  const repoRoot = resolve(options.repoRoot ?? process.cwd());
  const entry = options.entry ?? 'functions/index.ts';
  const outDir = resolve(repoRoot, options.outDir ?? join('dist', 'functions'));
  const pkgPath = join(repoRoot, 'package.json');
  if (!existsSync(pkgPath)) throw new Error(`${pkgPath}: not found; run the build from the repository root or pass repoRoot`);
  if (!existsSync(join(repoRoot, entry))) throw new Error(`${join(repoRoot, entry)}: entry file not found`);
  assertDisposable(outDir, repoRoot);
  const rootPkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as RootPackage;
  const runtimeDeps = rootPkg.dependencies ?? {};

  const bundle = await bundleEntry({ entry, dependencies: Object.keys(runtimeDeps), absWorkingDir: repoRoot, outDir });
  const unknown = bundle.packages.filter((p) => !(p in runtimeDeps));
  if (unknown.length > 0) {
    // A devDependency (or an undeclared package) reached from the functions would be missing at runtime.
    throw new Error(`the functions import ${unknown.join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not in package.json "dependencies"`);
  }
  const lockPath = join(repoRoot, 'package-lock.json');
  if (!existsSync(lockPath)) throw new Error(`${lockPath}: not found; the bundle's lockfile is derived from it (run npm install)`);
  const rootLock = JSON.parse(readFileSync(lockPath, 'utf8')) as Lockfile;
  const dependencies = installedVersions(rootLock, bundle.packages);
  const manifest = {
    name: `${rootPkg.name ?? 'functions'}-functions`,
    version: rootPkg.version ?? '0.0.0',
    private: true,
    type: 'module',
    main: BUNDLE_FILE,
    engines: { node: '>=20 <21' },
    dependencies,
  };
  const lockfile = deriveLockfile(rootLock, manifest);
  const files = [
    ...bundle.files.map((f) => ({ name: f.path, data: f.data })),
    ...bundle.assets.map((a) => ({ name: a.path, data: readFileSync(a.source) })),
    { name: 'package.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: 'package-lock.json', data: Buffer.from(`${JSON.stringify(lockfile, null, 2)}\n`) },
  ];

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, MARKER), 'Written by `stackctl build`; the whole directory is replaced on every build.\n');
  for (const f of files) {
    mkdirSync(dirname(join(outDir, f.name)), { recursive: true });
    writeFileSync(join(outDir, f.name), f.data);
  }
  const archive = createZip(files);
  const archivePath = `${outDir}.zip`;
  mkdirSync(dirname(archivePath), { recursive: true });
  writeFileSync(archivePath, archive);
  return {
    outDir,
    archivePath,
    sha256: createHash('sha256').update(archive).digest('hex'),
    archiveBytes: archive.length,
    bundleBytes: bundle.files.reduce((n, f) => n + f.data.length, 0),
    dependencies,
    entries: files.map((f) => f.name),
  };
}
