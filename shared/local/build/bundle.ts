/**
 * Bundles the functions' entry file with esbuild: project code is inlined, every package
 * dependency stays external (Cloud Build installs them from the generated package.json),
 * and the metafile tells which of them the bundle really imports.
 */
import { build } from 'esbuild';
import { builtinModules } from 'node:module';

export interface BundleResult {
  code: Buffer;
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

export async function bundleEntry(options: { entry: string; external: string[]; absWorkingDir: string }): Promise<BundleResult> {
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
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    outfile: 'index.js',
    // ESM output has no require(); externals that are CommonJS are imported, not required.
    banner: { js: "import { createRequire as __stackctlCreateRequire } from 'node:module';\nconst require = __stackctlCreateRequire(import.meta.url);" },
  });
  const output = result.outputFiles?.[0];
  if (!output) throw new Error(`esbuild produced no output for ${options.entry}`);
  const meta = Object.values(result.metafile.outputs)[0];
  const packages = new Set<string>();
  for (const imp of meta?.imports ?? []) {
    if (!imp.external) continue;
    const pkg = packageOf(imp.path);
    if (pkg) packages.add(pkg);
  }
  return {
    code: Buffer.from(output.contents),
    packages: [...packages].sort(),
    inputs: Object.keys(result.metafile.inputs).sort(),
  };
}
