/**
 * Bundles the functions' entry file with esbuild: project code and the runtime dependencies'
 * JavaScript are inlined, into lazy chunks per function, store and client. Only the packages that
 * must stay installed (the functions-framework that runs the bundle, native bindings) are external:
 * Cloud Build installs them from the generated package.json, and the metafile tells which of them
 * the bundle really imports. Inlining is for the cold start: a Google client is hundreds of small
 * CommonJS files, and resolving, reading and compiling them one by one costs a cold instance
 * more than its first event does (docs/ARCHITECTURE.md, "Cold start").
 */
import { build, type Plugin } from 'esbuild';
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

/**
 * Packages that always stay installed: functions-framework runs the bundle and hands it the request
 * (the function must register with that very instance), and a native binding cannot be inlined.
 */
export const ALWAYS_EXTERNAL = ['@google-cloud/functions-framework', 'better-sqlite3'];

export interface BundleOptions {
  entry: string;
  /** The runtime dependencies (package.json `dependencies`): the only packages project code may import. */
  dependencies: string[];
  /** Of those, the packages inlined rather than installed (default: all but ALWAYS_EXTERNAL). */
  inline?: string[];
  absWorkingDir: string;
  outDir: string;
  /** Minify whitespace and syntax (identifiers keep their names, so stack traces stay readable). */
  minify?: boolean;
}

/**
 * Decides, per bare import, what is inlined: a runtime dependency imported by project code, and what
 * it imports in turn, unless it must stay installed. A package project code imports that is not a
 * runtime dependency (a devDependency) stays an import, so the build names it and fails.
 */
function dependencyPlugin(dependencies: Set<string>, inline: Set<string>, absent: Set<string>): Plugin {
  const probing = Symbol('probing');
  return {
    name: 'stackctl-dependencies',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === probing) return undefined;
        const pkg = packageOf(args.path);
        if (!pkg) return { path: args.path, external: true };
        if (ALWAYS_EXTERNAL.includes(pkg)) return { path: args.path, external: true };
        const fromPackage = /[\\/]node_modules[\\/]/.test(args.importer);
        if (!fromPackage) return dependencies.has(pkg) && inline.has(pkg) ? undefined : { path: args.path, external: true };
        // An optional dependency of a package that is not installed (node-fetch's `encoding`): it stays
        // a require() that fails at run time and that the package catches, as it would when installed.
        const found = await b.resolve(args.path, { importer: args.importer, resolveDir: args.resolveDir, kind: args.kind, pluginData: probing });
        if (found.errors.length > 0) {
          absent.add(pkg);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
}

export async function bundleEntry(options: BundleOptions): Promise<BundleResult> {
  const dependencies = new Set(options.dependencies);
  const inline = new Set(options.inline ?? options.dependencies.filter((d) => !ALWAYS_EXTERNAL.includes(d)));
  const absent = new Set<string>();
  const result = await build({
    entryPoints: [options.entry],
    absWorkingDir: options.absWorkingDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    plugins: [dependencyPlugin(dependencies, inline, absent)],
    // What the inlined packages look for: their CommonJS build, as Node would load them.
    mainFields: ['main', 'module'],
    conditions: ['node', 'require'],
    minifyWhitespace: options.minify ?? true,
    minifySyntax: options.minify ?? true,
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
    // ESM output has no require(), __filename or __dirname, which inlined CommonJS code uses: the
    // chunk's own. The packages' files read through __dirname at run time are checked by the build's
    // tests (none is on a deployed function's path).
    banner: {
      js: [
        "import { createRequire as __stackctlCreateRequire } from 'node:module';",
        "import { fileURLToPath as __stackctlFileURLToPath } from 'node:url';",
        "import { dirname as __stackctlDirname } from 'node:path';",
        'const require = __stackctlCreateRequire(import.meta.url);',
        'const __filename = __stackctlFileURLToPath(import.meta.url);',
        'const __dirname = __stackctlDirname(__filename);',
      ].join('\n'),
    },
  });
  const files = (result.outputFiles ?? []).map((f) => ({ path: relative(options.outDir, f.path).split(sep).join('/'), data: Buffer.from(f.contents) }));
  if (!files.some((f) => f.path === 'index.js')) throw new Error(`esbuild produced no index.js for ${options.entry}`);
  const packages = new Set<string>();
  for (const out of Object.values(result.metafile.outputs)) {
    for (const imp of out.imports) {
      if (!imp.external) continue;
      const pkg = packageOf(imp.path);
      if (pkg && !absent.has(pkg)) packages.add(pkg);
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
