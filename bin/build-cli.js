#!/usr/bin/env node
// Compiles the CLI (shared/local/cli/main.ts and everything it reaches) to dist-cli/ with esbuild,
// so `stackctl` starts without compiling TypeScript at run time. `npm ci` runs it (`prepare`).
//
// Code opens files next to its source (`new URL('x', import.meta.url)`, `import.meta.dirname`);
// every such reference is rewritten to the source file's own location, relative to the output, so
// the compiled CLI reads the same examples, workflows and seeds as the sources do, wherever the
// checkout lives. dist-cli/manifest.json lists the inputs; bin/stackctl.js uses the build only
// while no input is newer than it.
import { mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(root, 'dist-cli');

const banner = (outDir) => [
  "import { createRequire as __stackctlCreateRequire } from 'node:module';",
  "import { fileURLToPath as __stackctlFileURLToPath } from 'node:url';",
  'const require = __stackctlCreateRequire(import.meta.url);',
  `const __stackctlRoot = new URL(${JSON.stringify(`${relative(outDir, root).split(sep).join('/')}/`)}, import.meta.url);`,
  'const __stackctlUrl = (file) => new URL(file, __stackctlRoot).href;',
  "const __stackctlDir = (file) => __stackctlFileURLToPath(new URL('.', new URL(file, __stackctlRoot))).replace(/[\\\\/]$/, '');",
].join('\n');

/**
 * Points a source file's import.meta.url / dirname / filename at where the source lives. esbuild's
 * `define` replaces only the expressions (never the same text inside a string), per file.
 */
async function relocate(transform, source, file) {
  const rel = JSON.stringify(relative(root, file).split(sep).join('/'));
  const id = `__stackctlMeta${createHash('sha1').update(rel).digest('hex').slice(0, 10)}`;
  const out = await transform(source, {
    loader: 'ts', format: 'esm', target: 'node20', sourcefile: file,
    define: { 'import.meta.url': `${id}_url`, 'import.meta.dirname': `${id}_dirname`, 'import.meta.filename': `${id}_filename` },
  });
  return [
    `const ${id}_url = __stackctlUrl(${rel});`,
    `const ${id}_dirname = __stackctlDir(${rel});`,
    `const ${id}_filename = __stackctlFileURLToPath(${id}_url);`,
    out.code,
  ].join('\n');
}

export async function buildCli(outDir = OUT_DIR) {
  const { build, transform } = await import('esbuild');
  const staging = `${outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const startedAt = Date.now();
  const result = await build({
    entryPoints: { main: join(root, 'shared/local/cli/main.ts') },
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    // Lazy imports (the stack, the Google clients, the workflow engine) stay separate chunks, so
    // `stackctl --help` loads only the command table.
    splitting: true,
    outdir: staging,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    metafile: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: banner(outDir) },
    plugins: [{
      name: 'relocate-import-meta',
      setup(b) {
        b.onLoad({ filter: /\.ts$/ }, async (args) => {
          const text = readFileSync(args.path, 'utf8');
          if (!text.includes('import.meta')) return { contents: text, loader: 'ts' };
          return { contents: await relocate(transform, text, args.path), loader: 'js' };
        });
      },
    }],
  });
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules')).sort();
  writeFileSync(join(staging, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  // The build counts as of when it read its inputs: a file saved during the build makes it stale.
  writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify({ builtAtMs: startedAt, node: process.version, inputs }, null, 1)}\n`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(dirname(outDir), { recursive: true });
  renameSync(staging, outDir);
  return { outDir, inputs: inputs.length, ms: Date.now() - startedAt };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const at = process.argv.indexOf('--out');
    const r = await buildCli(at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : OUT_DIR);
    process.stderr.write(`stackctl: compiled the CLI to ${relative(process.cwd(), r.outDir) || r.outDir} (${r.inputs} sources, ${r.ms} ms)\n`);
  } catch (err) {
    // `npm ci --omit=dev` has no esbuild: the CLI still runs from the TypeScript sources (tsx).
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('esbuild')) {
      process.stderr.write('stackctl: esbuild is not installed; the CLI runs from its TypeScript sources (slower start)\n');
    } else {
      process.stderr.write(`stackctl: compiling the CLI failed: ${err && err.message ? err.message : err}\n`);
      process.exitCode = 1;
    }
  }
}
