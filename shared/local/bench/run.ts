/** Runs the benchmarks in one process, one after the other, so their ratios are comparable. */
import { cpus } from 'node:os';
import type { BenchEntry } from './entry.ts';
import type { FirstEventResult } from './first-event.ts';
import { measureHandlerOverhead, type OverheadResult } from './handler-overhead.ts';

export interface BenchmarkResults {
  at: string;
  machine: { node: string; cpus: number; model: string };
  pubsub?: { messages: number; seconds: number; perSecond: number };
  handler?: OverheadResult;
  interpreter?: Record<string, unknown>;
  /** Id-keyed entries ({id, value, unit, anchor, anchorValue, ratio}), each measured against its anchor in the same run. */
  entries: BenchEntry[];
  coldStart?: Record<string, unknown>;
  firstEvent?: FirstEventResult;
  errors: Record<string, string>;
}

export async function runBenchmarks(options: { quick: boolean; only?: Set<string>; baselineRepo?: string; progress?: (message: string) => void }): Promise<BenchmarkResults> {
  const want = (name: string) => !options.only || options.only.has(name);
  const say = options.progress ?? (() => undefined);
  const results: BenchmarkResults = {
    at: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
    errors: {},
    entries: [],
  };
  const attempt = async (name: string, work: () => Promise<void>) => {
    if (!want(name)) return;
    say(`running ${name}…`);
    try {
      await work();
    } catch (err) {
      results.errors[name] = (err as Error).message;
    }
  };
  await attempt('pubsub', async () => {
    const { measurePubsubThroughput } = await import('../pubsub/bench.ts');
    results.pubsub = await measurePubsubThroughput({ messages: options.quick ? 2_000 : 20_000 });
  });
  await attempt('handler', async () => {
    results.handler = await measureHandlerOverhead(options.quick ? 500 : 2_000);
  });
  await attempt('interpreter', async () => {
    // engine.loop, engine.map-growth, engine.list-growth, in a process of their own.
    const { runEngineBenchProcess } = await import('../workflow-engine/bench.ts');
    results.entries.push(...await runEngineBenchProcess({ quick: options.quick }));
  });
  await attempt('coldstart', async () => {
    const { measureColdStart } = await import('./cold-start.ts');
    results.coldStart = await measureColdStart(options.quick ? 3 : 7) as unknown as Record<string, unknown>;
  });
  await attempt('cli', async () => {
    const { measureCliStartup } = await import('./cli-startup.ts');
    results.entries.push(...measureCliStartup(options.quick ? 5 : 15));
  });
  await attempt('firstevent', async () => {
    const { measureFirstEvent } = await import('./first-event.ts');
    results.firstEvent = await measureFirstEvent({ samples: options.quick ? 3 : 5, baselineRepo: options.baselineRepo });
    const { coldStartEntries } = await import('./cold-start-entries.ts');
    results.entries.push(...coldStartEntries(results.firstEvent));
  });
  await attempt('hotpath', async () => {
    const { measureHotPath } = await import('./hot-path.ts');
    results.entries.push(...await measureHotPath({ quick: options.quick }));
  });
  await attempt('burst', async () => {
    const { measureBursts } = await import('./burst.ts');
    results.entries.push(...await measureBursts({ quick: options.quick }));
  });
  await attempt('pubsub-e2e', async () => {
    const { measurePubsubEndToEnd } = await import('./pubsub-e2e.ts');
    results.entries.push(await measurePubsubEndToEnd({ quick: options.quick }));
  });
  return results;
}

export function formatBenchmarks(r: BenchmarkResults): string {
  const lines = [`benchmarks on ${r.machine.model} (${r.machine.cpus} cores), node ${r.machine.node}`];
  if (r.pubsub) lines.push(`  Pub/Sub emulator      ${r.pubsub.perSecond.toFixed(0)} msg/s publish→receive+ack (${r.pubsub.messages} messages in ${r.pubsub.seconds.toFixed(2)} s, real client both ways)`);
  if (r.handler) {
    lines.push(`  handler runtime       ${r.handler.inProcess.runtimeUsPerMessage} µs/message in process vs no-op ${r.handler.inProcess.noopUsPerMessage} µs: ratio ${r.handler.inProcess.ratio}`);
    lines.push(`                        ${r.handler.http.runtimeUsPerMessage} µs/message over functions-framework HTTP vs no-op ${r.handler.http.noopUsPerMessage} µs: ratio ${r.handler.http.ratio}`);
  }
  if (r.interpreter) lines.push(`  workflow interpreter  ${JSON.stringify(r.interpreter)}`);
  for (const e of r.entries) lines.push(`  ${e.id.padEnd(21)} ${e.value} ${e.unit} vs ${e.anchor} ${e.anchorValue} ${e.unit}: ratio ${e.ratio}${typeof e.growth === 'number' ? `; ${String(e.keys)} keys: ${e.growth}× the time (ideal ${String(e.idealGrowth)}×)` : ''}${typeof e.note === 'string' ? ` (${e.note})` : ''}`);
  if (r.coldStart) lines.push(`  cold start            ${JSON.stringify(r.coldStart)}`);
  if (r.firstEvent) {
    const helloCpu = r.firstEvent.helloWorld.cpuMs;
    lines.push(`  first event answered  hello-world ${r.firstEvent.helloWorld.firstAnswerMs} ms (port open ${r.firstEvent.helloWorld.portOpenMs} ms${helloCpu === undefined ? '' : `, CPU ${helloCpu} ms`}), median of ${r.firstEvent.samples}`);
    for (const [label, fns] of Object.entries(r.firstEvent.builds)) {
      for (const [target, t] of Object.entries(fns)) {
        const cpu = t.cpuMs === undefined ? '' : `; CPU ${t.cpuMs} ms${helloCpu ? ` = ${Math.round((t.cpuMs / helloCpu) * 100) / 100}x` : ''}`;
        lines.push(`    ${label.padEnd(9)} ${target.padEnd(13)} ${String(t.firstAnswerMs).padStart(5)} ms (${t.ratio}x; port open ${t.portOpenMs} ms${cpu}) → ${t.answer}`);
      }
    }
  }
  for (const [name, message] of Object.entries(r.errors)) lines.push(`  ${name}: not measured (${message})`);
  return lines.join('\n');
}
