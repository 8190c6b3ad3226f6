/**
 * Bundles the functions' entry file with esbuild: project code is inlined, every package
 * dependency stays external (Cloud Build installs them from the generated package.json),
 * and the metafile tells which of them the bundle really imports.
 */
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { relative, sep } from 'node:path';

export interface BundleResult {
  /** Output files by path relative to the output root: the entry (index.js) and its lazy chunks. */
  files: Array<{ path: string; data: Buffer }>;
  /** Package names the bundle imports (statically or dynamically), sorted. */
  packages: string[];
  /** Project source files inlined into the bundle, relative to the working directory. */
  inputs: string[];
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
  return {
    files: files.sort((a, b) => (a.path === 'index.js' ? -1 : b.path === 'index.js' ? 1 : a.path.localeCompare(b.path))),
    packages: [...packages].sort(),
    inputs: Object.keys(result.metafile.inputs).sort(),
  };
}
