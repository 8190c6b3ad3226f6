/**
 * `npm run build`: the archive holds the bundle, a package.json with exactly the runtime
 * dependencies the bundle imports at the versions the repository installed, and a lockfile for
 * `npm ci`; no local-only code; loading the bundle the way the Cloud Functions runtime does
 * registers every entry point, or only the one the instance serves.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../../../shared/flows/definitions.ts';
import { buildFunctionsArchive, type BuildResult } from '../../../../shared/local/build/functions-archive.ts';
import { readZip } from './zip-reader.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../../..');
const rootPkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const rootLock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
// Names only the local stack and tests have: none may reach the deployed code.
const LOCAL_ONLY = ['LocalAuthClient', 'ScaledClock', 'VirtualClock', 'local-stack-not-a-real-token', 'gcp-sim', 'better-sqlite3', 'openSqliteStateStore', 'tsx'];
const DEV_ONLY = /^(typescript|vitest|eslint|esbuild|tsx|typescript-eslint)$|^@types\/|^@cdktf\//;

let work: string;
let result: BuildResult;
let files: Map<string, Buffer>;

/** Archive paths of the files the bundled code opens with new URL('./x', import.meta.url). */
function assetReferences(): string[] {
  const out: string[] = [];
  for (const [name, data] of files) {
    if (!name.endsWith('.js')) continue;
    for (const m of data.toString('utf8').matchAll(/new URL\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
      out.push(join(dirname(name), m[1]).split('\\').join('/'));
    }
  }
  return out;
}

/**
 * The archive unpacked next to a node_modules holding only what its package.json declares (links to
 * the repository's copies), as after `npm install` on Cloud Build: an inlined package that still
 * needed to be installed would not resolve.
 */
function unpacked(): string {
  const app = join(work, 'app');
  if (existsSync(app)) return app;
  mkdirSync(app, { recursive: true });
  for (const [name, data] of files) {
    mkdirSync(dirname(join(app, name)), { recursive: true });
    writeFileSync(join(app, name), data);
  }
  const pkg = JSON.parse(files.get('package.json')!.toString('utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies)) {
    mkdirSync(dirname(join(app, 'node_modules', dep)), { recursive: true });
    symlinkSync(join(repo, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
  }
  return app;
}

function allCode(): string {
  return [...files].filter(([n]) => n.endsWith('.js')).map(([, d]) => d.toString('utf8')).join('\n');
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'functions-build-'));
  result = await buildFunctionsArchive({ repoRoot: repo, outDir: join(work, 'functions') });
  files = readZip(readFileSync(result.archivePath));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('stackctl build (functions archive)', () => {
  it('writes <out>.zip and reports its SHA-256', () => {
    expect(result.archivePath).toBe(join(work, 'functions.zip'));
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    const sha = execFileSync('sha256sum', [result.archivePath], { encoding: 'utf8' }).split(' ')[0];
    expect(result.sha256).toBe(sha);
    const names = [...files.keys()];
    expect(names).toContain('index.js');
    expect(names).toContain('package.json');
    expect(names).toContain('package-lock.json');
    // Everything else is a lazily loaded chunk of the same bundle or a file the code opens.
    const assets = new Set(assetReferences());
    for (const name of names.filter((n) => !['index.js', 'package.json', 'package-lock.json'].includes(n))) {
      expect(/^chunks\/[\w-]+\.js$/.test(name) || assets.has(name), `${name} is neither a chunk nor an asset the code opens`).toBe(true);
    }
  });

  it('package.json: ESM, main is the bundle, Node 20, only runtime dependencies the bundle imports', () => {
    const pkg = JSON.parse(files.get('package.json')!.toString('utf8')) as Record<string, any>;
    expect(pkg.type).toBe('module');
    expect(pkg.main).toBe('index.js');
    expect(pkg.engines.node).toMatch(/20/);
    expect(pkg.devDependencies).toBeUndefined();
    const bundle = allCode();
    for (const [name, version] of Object.entries(pkg.dependencies as Record<string, string>)) {
      expect(DEV_ONLY.test(name), `${name} is a dev dependency`).toBe(false);
      expect(rootPkg.dependencies[name], `${name} is not a runtime dependency of the repo`).toBeDefined();
      // Pinned to what the repository installed and tested, not a range.
      expect(version, `${name}@${version} is not an exact version`).toMatch(EXACT);
      expect(version).toBe(rootLock.packages[`node_modules/${name}`]!.version);
      // Listed only when imported (statically or dynamically) by the bundle.
      expect(bundle.includes(`"${name}"`) || bundle.includes(`"${name}/`), `${name} is listed but not imported`).toBe(true);
    }
    expect(pkg.dependencies['@google-cloud/functions-framework']).toBe(rootLock.packages['node_modules/@google-cloud/functions-framework']!.version);
    // The local stack's native SQLite binding and the TypeScript loader are not deployed.
    expect(pkg.dependencies).not.toHaveProperty('better-sqlite3');
    expect(pkg.dependencies).not.toHaveProperty('tsx');
  });

  it('package-lock.json pins every package the dependencies reach, exactly as the repository lockfile does', () => {
    const pkg = JSON.parse(files.get('package.json')!.toString('utf8')) as { dependencies: Record<string, string> };
    const lock = JSON.parse(files.get('package-lock.json')!.toString('utf8')) as { lockfileVersion: number; packages: Record<string, Record<string, unknown>> };
    expect(lock.lockfileVersion).toBe(3);
    // npm ci refuses a lockfile whose root entry disagrees with package.json.
    expect(lock.packages['']!.dependencies).toEqual(pkg.dependencies);
    const entries = Object.entries(lock.packages).filter(([path]) => path !== '');
    expect(entries.length).toBeGreaterThan(Object.keys(pkg.dependencies).length);
    for (const [path, entry] of entries) {
      expect(entry.version, `${path}`).toMatch(EXACT);
      expect(entry.integrity, `${path} has no integrity hash`).toMatch(/^sha\d+-/);
      expect(entry.version).toBe(rootLock.packages[path]!.version);
      expect(entry.integrity).toBe(rootLock.packages[path]!.integrity);
      expect(entry.dev, `${path} is marked dev`).toBeUndefined();
      expect(path, `${path} is local-only`).not.toMatch(/(^|\/)node_modules\/(better-sqlite3|tsx)$/);
    }
    for (const dep of Object.keys(pkg.dependencies)) expect(lock.packages[`node_modules/${dep}`], dep).toBeDefined();
  });

  it('the lockfile is complete: npm reads the whole tree from it with nothing missing or invalid', () => {
    const dir = join(work, 'lock-check');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), files.get('package.json')!);
    writeFileSync(join(dir, 'package-lock.json'), files.get('package-lock.json')!);
    // --package-lock-only: the tree comes from the lockfile alone, offline; a missing or invalid edge exits non-zero.
    const out = execFileSync('npm', ['ls', '--all', '--package-lock-only', '--json', '--offline'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    const tree = JSON.parse(out) as { problems?: string[]; dependencies?: Record<string, unknown> };
    expect(tree.problems ?? []).toEqual([]);
    expect(Object.keys(tree.dependencies ?? {}).sort()).toEqual(Object.keys(JSON.parse(files.get('package.json')!.toString('utf8')).dependencies).sort());
  });

  it('holds no local-only code', () => {
    const code = allCode();
    for (const name of LOCAL_ONLY) expect(code.includes(name), `the deployed code contains "${name}"`).toBe(false);
    expect(result.dependencies).not.toHaveProperty('better-sqlite3');
  });

  it('the bundle imports no dev dependency, and every relative import resolves inside the archive', () => {
    const code = allCode();
    for (const dev of Object.keys(rootPkg.devDependencies)) {
      expect(code.includes(`from "${dev}"`) || code.includes(`import("${dev}")`), `${dev} is imported`).toBe(false);
    }
    for (const [name, data] of files) {
      if (!name.endsWith('.js')) continue;
      for (const m of data.toString('utf8').matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
        const target = join(dirname(name), m[1]).split('\\').join('/');
        expect(files.has(target), `${name} imports ${m[1]}, which is not in the archive`).toBe(true);
      }
    }
  });

  it('ships every file the code opens with new URL(…, import.meta.url), next to the code that opens it', () => {
    for (const target of assetReferences()) expect(files.has(target), `the code opens ${target}, which is not in the archive`).toBe(true);
  });

  it('copies assets of a fixture entry so the bundled code can read them', async () => {
    const out = join(work, 'assets');
    const built = await buildFunctionsArchive({ repoRoot: repo, entry: 'test/shared/local/build/fixtures/assets/entry.ts', outDir: out });
    const archived = readZip(readFileSync(built.archivePath));
    expect([...archived.keys()].sort()).toEqual(['greeting.txt', 'index.js', 'package-lock.json', 'package.json', 'rules.yaml']);
    const probe = "const m = await import('./index.js'); console.log(JSON.stringify([m.greeting, m.rulesText()]));";
    const printed = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: out, encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(printed)).toEqual(['hello from an asset', 'rules: []\n']);
  });

  it('the entry loads only the function the instance serves: every function, store and client is a lazy chunk', () => {
    const entry = files.get('index.js')!.toString('utf8');
    expect(entry).not.toMatch(/from "@google-cloud\/firestore"/);
    // No static import at all: the entry picks one function module and imports it.
    expect(entry).not.toMatch(/^import\s[^(]*from\s*"\.\/chunks\//m);
    expect(entry.match(/import\("\.\/chunks\//g)?.length).toBe(FUNCTIONS.length);
  });

  it('inlines the clients: the archive installs functions-framework only, and the bundle imports no other package', () => {
    const pkg = JSON.parse(files.get('package.json')!.toString('utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).toEqual(['@google-cloud/functions-framework']);
    expect(Object.keys(result.dependencies)).toEqual(['@google-cloud/functions-framework']);
    // Every import statement and import() of a package name, in every file: only builtins and functions-framework.
    const PACKAGE = /^(@[a-z0-9._-]+\/)?[a-z0-9][a-z0-9._-]*(\/[A-Za-z0-9._/-]*)?$/;
    const builtins = new Set(builtinModules);
    const bare = new Set<string>();
    for (const m of allCode().matchAll(/(?:(?:^|[;}\n])\s*import\s*(?:[\w$*{},\s]+from\s*)?|\bimport\(\s*)"([^"]+)"/g)) {
      const spec = m[1]!;
      if (PACKAGE.test(spec) && !builtins.has(spec.split('/')[0]!)) bare.add(spec);
    }
    expect([...bare].filter((spec) => !spec.startsWith('@google-cloud/functions-framework'))).toEqual([]);
    expect([...bare]).toContain('@google-cloud/functions-framework');
  });

  it('registers every entry point target when loaded like the Cloud Functions runtime loads it', () => {
    const app = unpacked();
    const probe = [
      "const pkg = JSON.parse((await import('node:fs')).readFileSync('package.json', 'utf8'));",
      'await import(`./${pkg.main}`);',
      "const { getFunction } = await import('@google-cloud/functions-framework/testing');",
      `const targets = ${JSON.stringify(FUNCTIONS.map((f) => f.target))};`,
      "console.log(JSON.stringify(Object.fromEntries(targets.map((t) => [t, typeof getFunction(t)]))));",
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'silent' },
      timeout: 30_000,
    });
    const registered = JSON.parse(out.trim().split('\n').pop()!) as Record<string, string>;
    expect(registered).toEqual(Object.fromEntries(FUNCTIONS.map((f) => [f.target, 'function'])));
    // A deployed instance (Terraform sets STACKCTL_FUNCTION) registers its own function only.
    for (const fn of FUNCTIONS) {
      const one = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
        cwd: app, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent', STACKCTL_FUNCTION: fn.target }, timeout: 30_000,
      });
      const only = JSON.parse(one.trim().split('\n').pop()!) as Record<string, string>;
      expect(Object.entries(only).filter(([, t]) => t === 'function').map(([k]) => k), fn.target).toEqual([fn.target]);
    }
  });

  it('every chunk loads with only the declared dependencies installed: no inlined package reads a missing file as it loads', () => {
    const app = unpacked();
    const chunks = [...files.keys()].filter((n) => n.startsWith('chunks/') && n.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(10);
    const probe = `for (const c of ${JSON.stringify(chunks)}) await import('./' + c);\nconsole.log(JSON.stringify({ loaded: ${chunks.length} }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: app, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent', NODE_PATH: '' }, timeout: 120_000,
    });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ loaded: chunks.length });
  });

  it('rebuilding unchanged sources gives the same archive hash (no spurious redeploy)', async () => {
    const again = await buildFunctionsArchive({ repoRoot: repo, outDir: join(work, 'functions') });
    expect(again.sha256).toBe(result.sha256);
  });

  it('refuses an entry that reaches a dev dependency', async () => {
    await expect(
      buildFunctionsArchive({ repoRoot: repo, entry: 'test/shared/local/build/fixtures/imports-dev-dependency.ts', outDir: join(work, 'bad') }),
    ).rejects.toThrow(/functions import typescript, which is not in package.json "dependencies"/);
  });

  it('refuses to wipe a directory it did not create', async () => {
    const foreign = join(work, 'foreign');
    mkdirSync(foreign, { recursive: true });
    writeFileSync(join(foreign, 'keep.txt'), 'mine');
    await expect(buildFunctionsArchive({ repoRoot: repo, outDir: foreign })).rejects.toThrow(/was not written by stackctl build/);
    await expect(buildFunctionsArchive({ repoRoot: repo, outDir: dirname(repo) })).rejects.toThrow(/would delete the repository/);
    expect(readFileSync(join(foreign, 'keep.txt'), 'utf8')).toBe('mine');
  });
});
