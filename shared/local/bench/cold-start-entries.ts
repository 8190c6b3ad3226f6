/** `cold-start.<function>`: the first event answered by a cold instance, against a functions-framework hello-world's first answer. */
import { entry, type BenchEntry } from './entry.ts';
import type { FirstEventResult } from './first-event.ts';

export function coldStartEntries(result: FirstEventResult): BenchEntry[] {
  const current = result.builds.current ?? {};
  return Object.entries(current).map(([target, t]) => entry(
    `cold-start.${target}`, t.firstAnswerMs, 'ms to the first event answered', 'functions-framework hello-world', result.helloWorld.firstAnswerMs,
    {
      portOpenMs: t.portOpenMs, answer: t.answer, samples: result.samples,
      ...(t.cpuMs !== undefined && result.helloWorld.cpuMs ? { cpuMs: t.cpuMs, anchorCpuMs: result.helloWorld.cpuMs, cpuRatio: Math.round((t.cpuMs / result.helloWorld.cpuMs) * 100) / 100 } : {}),
      ...(result.builds.baseline?.[target] ? { baselineMs: result.builds.baseline[target]!.firstAnswerMs, ...(result.builds.baseline[target]!.cpuMs !== undefined ? { baselineCpuMs: result.builds.baseline[target]!.cpuMs } : {}) } : {}),
    },
  ));
}
