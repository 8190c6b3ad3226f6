/**
 * Bundles the functions' entry file with esbuild: project code is inlined, every package
 * dependency stays external (Cloud Build installs them from the generated package.json),
 * and the metafile tells which of them the bundle really imports.
 */
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface BundleResult {
  /** Output files by path relative to the output root: the entry (index.js) and its lazy chunks. */
  files: Array<{ path: string; data: Buffer }>;
  /** Package names the bundle imports (statically or dynamically), sorted. */
  packages: string[];
  /** Project source files inlined into the bundle, relative to the working directory. */
  inputs: string[];
  /**
   * Files the code opens with `new URL('./x', import.meta.url)`: esbuild leaves that
   * expression alone, so each file must sit next to the output that now holds the code.
   */
  assets: Array<{ path: string; source: string }>;
}

const ASSET_URL = /new URL\(\s*(['"`])(\.{1,2}\/[^'"`]+)\1\s*,\s*import\.meta\.url\s*\)/g;

/** Assets referenced relative to a source file, resolved to absolute paths. */
function assetReferences(sourceFile: string): Array<{ specifier: string; absolute: string }> {
  const text = readFileSync(sourceFile, 'utf8');
  return [...text.matchAll(ASSET_URL)].map((m) => ({ specifier: m[2], absolute: resolve(dirname(sourceFile), m[2]) }));
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The package a bare import specifier belongs to: '@scope/name/sub' → '@scope/name'. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || BUILTINS.has(specifier) || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export async function bundleEntry(options: { entry: string; external: string[]; absWorkingDir: string; outDir: string }): Promise<BundleResult> {
  const result = await build({
    entryPoints: [options.entry],
    absWorkingDir: options.absWorkingDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Every package stays external, not only the runtime dependencies: a devDependency
    // reached by the functions must surface as an import (and fail the build), not be
    // silently inlined. A package's subpaths ('@google-cloud/storage/build/…') included.
    packages: 'external',
    external: options.external.flatMap((p) => [p, `${p}/*`]),
    write: false,
    metafile: true,
    // Dynamic imports (the Firestore vs. SQLite state store, the publisher) become lazy
    // chunks, so a function's cold start loads only the clients its mode uses.
    splitting: true,
    outdir: options.outDir,
    entryNames: 'index',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    // ESM output has no require(); externals that are CommonJS are imported, not required.
    banner: { js: "import { createRequire as __stackctlCreateRequire } from 'node:module';\nconst require = __stackctlCreateRequire(import.meta.url);" },
  });
  const files = (result.outputFiles ?? []).map((f) => ({ path: relative(options.outDir, f.path).split(sep).join('/'), data: Buffer.from(f.contents) }));
  if (!files.some((f) => f.path === 'index.js')) throw new Error(`esbuild produced no index.js for ${options.entry}`);
  const packages = new Set<string>();
  for (const out of Object.values(result.metafile.outputs)) {
    for (const imp of out.imports) {
      if (!imp.external) continue;
      const pkg = packageOf(imp.path);
      if (pkg) packages.add(pkg);
    }
  }
  const assets = new Map<string, string>();
  for (const [outPath, out] of Object.entries(result.metafile.outputs)) {
    const outDir = dirname(relative(options.outDir, resolve(options.absWorkingDir, outPath)));
    for (const input of Object.keys(out.inputs)) {
      const sourceFile = resolve(options.absWorkingDir, input);
      if (!/\.[cm]?[jt]s$/.test(input) || !existsSync(sourceFile)) continue;
      for (const ref of assetReferences(sourceFile)) {
        if (!existsSync(ref.absolute)) throw new Error(`${input} opens ${ref.specifier} (new URL(…, import.meta.url)), which does not exist`);
        const target = join(outDir, ref.specifier).split(sep).join('/');
        if (target.startsWith('..')) throw new Error(`${input}: asset ${ref.specifier} would land outside the archive`);
        const taken = assets.get(target);
        if (taken && taken !== ref.absolute) throw new Error(`two files would be shipped as ${target}: ${taken} and ${ref.absolute}`);
        assets.set(target, ref.absolute);
      }
    }
  }
  return {
    assets: [...assets].map(([path, source]) => ({ path, source })).sort((a, b) => a.path.localeCompare(b.path)),
    files: files.sort((a, b) => (a.path === 'index.js' ? -1 : b.path === 'index.js' ? 1 : a.path.localeCompare(b.path))),
    packages: [...packages].sort(),
    inputs: Object.keys(result.metafile.inputs).sort(),
  };
}
