/**
 * `burst.provisioning.<N>`: N workspace requests at once on one Cloud SQL instance, through the
 * whole local stack, reported as the time per request (T(N)/N, virtual and wall) against one
 * request alone: a ratio near 1 is time linear in N. Every burst runs in a fresh stack in its
 * own process, alternating with the single request it is compared to.
 */
import { entry, median, runSide, type BenchEntry } from './entry.ts';

interface BurstResult { n: number; wallMs: number; virtualMs: number; succeeded: number; deadLetters: number }

/** Simulated time runs this many times faster than real time; leases and waits scale with it. */
const SPEED = 100;

export async function measureBursts(options: { quick: boolean }): Promise<BenchEntry[]> {
  const sizes = options.quick ? [3] : [10, 50, 200];
  const run = (n: number) => runSide<BurstResult>('./burst-process.ts', ['--n', String(n), '--speed', String(SPEED)], process.env, 900_000);
  const out: BenchEntry[] = [];
  for (const n of sizes) {
    const single = await run(1);
    const burst = await run(n);
    const singles = [single, await run(1)];
    const anchorVirtual = median(singles.map((s) => s.virtualMs / 1000));
    out.push(entry(`burst.provisioning.${n}`, burst.virtualMs / 1000 / n, 's/request (virtual)', 'one request alone', anchorVirtual, {
      wallMsPerRequest: Math.round(burst.wallMs / n), anchorWallMs: Math.round(median(singles.map((s) => s.wallMs))),
      succeeded: burst.succeeded, deadLetters: burst.deadLetters, clockSpeed: SPEED,
    }));
  }
  return out;
}
