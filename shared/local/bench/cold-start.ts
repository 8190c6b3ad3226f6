/**
 * Cold start: time from process start to "ready to serve" (the port accepts connections) for
 * each function's deployable bundle, against a bare functions-framework hello-world, started
 * the same way in the same run. Bundles load only the clients they import, lazily.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { FUNCTIONS, kebab } from '../../flows/definitions.ts';
import { buildFunctionsArchive } from '../build/functions-archive.ts';

export interface ColdStartResult {
  samples: number;
  helloWorldMs: number;
  functions: Record<string, { medianMs: number; ratio: number; bundleKiB: number }>;
}

const require = createRequire(import.meta.url);

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => ok(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); ok(true); });
    socket.once('error', () => ok(false));
  });
}

async function timeToReady(source: string, target: string, env: NodeJS.ProcessEnv): Promise<number> {
  const port = await freePort();
  const main = join(dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');
  const started = performance.now();
  const child = spawn(process.execPath, [main, `--target=${target}`, `--source=${source}`, `--port=${port}`], {
    env: { ...env, HOST: '127.0.0.1' }, stdio: 'ignore',
  });
  try {
    for (let i = 0; i < 3000; i++) {
      if (child.exitCode !== null) throw new Error(`${target} exited with ${child.exitCode} before serving`);
      if (await canConnect(port)) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`${target} not ready after 15 s`);
  } finally {
    child.kill('SIGKILL');
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function measureColdStart(samples = 5): Promise<ColdStartResult> {
  const root = resolve(import.meta.dirname, '../../..');
  const work = join(root, '.tmp', 'bench-cold-start');
  const hello = join(work, 'hello');
  mkdirSync(hello, { recursive: true });
  writeFileSync(join(hello, 'package.json'), JSON.stringify({ type: 'module', main: 'index.js' }));
  writeFileSync(join(hello, 'index.js'), "import ff from '@google-cloud/functions-framework';\nff.http('hello', (req, res) => res.send('hello'));\n");
  const env = { ...process.env, LOG_LEVEL: 'silent', STACKCTL_DATA_DIR: join(work, 'data'), METADATA_SERVER_DETECTION: 'none' };

  const bundles: Record<string, { dir: string; kib: number }> = {};
  for (const fn of FUNCTIONS) {
    const file = kebab(fn.target);
    const build = await buildFunctionsArchive({ repoRoot: root, entry: `functions/${file}.ts`, outDir: join('.tmp', 'bench-cold-start', `fn-${fn.target}`) });
    bundles[fn.target] = { dir: build.outDir, kib: Math.round(build.bundleBytes / 1024) };
  }

  const helloTimes: number[] = [];
  const fnTimes: Record<string, number[]> = Object.fromEntries(FUNCTIONS.map((f) => [f.target, []]));
  // Interleaved so background load affects both sides alike.
  for (let s = 0; s < samples; s++) {
    helloTimes.push(await timeToReady(hello, 'hello', env));
    for (const fn of FUNCTIONS) fnTimes[fn.target]!.push(await timeToReady(bundles[fn.target]!.dir, fn.target, env));
  }
  const helloWorldMs = Math.round(median(helloTimes));
  return {
    samples,
    helloWorldMs,
    functions: Object.fromEntries(FUNCTIONS.map((fn) => {
      const ms = median(fnTimes[fn.target]!);
      return [fn.target, { medianMs: Math.round(ms), ratio: Math.round((ms / median(helloTimes)) * 100) / 100, bundleKiB: bundles[fn.target]!.kib }];
    })),
  };
}
