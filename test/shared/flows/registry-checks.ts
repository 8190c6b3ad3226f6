/**
 * What every flow of shared/flows/definitions.ts must have besides its declaration, one check per
 * place (docs/ADDING-A-FLOW.md lists them in order). Each returns the problems it finds, so a test
 * can show it fails on a flow that lacks the place.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kebab } from '../../../shared/flows/definitions.ts';
import type { FlowDeclaration } from '../../../shared/runtime/flow.ts';

type Flow = Pick<FlowDeclaration, 'flow' | 'functionName' | 'decode' | 'messages' | 'cli'>;

/** shared/flows/<name>/flow.ts holds the declaration. */
export function checkFlowFolder(repo: string, flow: string): string[] {
  const file = join('shared', 'flows', kebab(flow), 'flow.ts');
  return existsSync(join(repo, file)) ? [] : [`flow "${flow}": ${file} does not exist`];
}

/** functions/<function>.ts registers the flow's declaration, and functions/index.ts loads that file under the function's name. */
export function checkFunctionFile(repo: string, flow: Flow): string[] {
  const file = `${kebab(flow.functionName)}.ts`;
  const path = join(repo, 'functions', file);
  if (!existsSync(path)) return [`flow "${flow.flow}": functions/${file} does not exist`];
  const problems: string[] = [];
  const text = readFileSync(path, 'utf8');
  if (!text.includes(`/shared/flows/${kebab(flow.flow)}/flow.ts'`)) problems.push(`flow "${flow.flow}": functions/${file} does not import shared/flows/${kebab(flow.flow)}/flow.ts`);
  if (!/\bregisterFlow\(\w+\)/.test(text)) problems.push(`flow "${flow.flow}": functions/${file} does not call registerFlow`);
  const index = readFileSync(join(repo, 'functions', 'index.ts'), 'utf8');
  if (!index.includes(`${flow.functionName}: () => import('./${file}')`)) problems.push(`flow "${flow.flow}": functions/index.ts does not load ./${file} as ${flow.functionName}`);
  return problems;
}

/** Each example the declaration lists exists in examples/ and decodes with the flow's decoder to one of its kinds. */
export function checkExamples(repo: string, flow: Flow): string[] {
  if (flow.cli.examples.length === 0) return [`flow "${flow.flow}": no example message in its declaration (cli.examples)`];
  const problems: string[] = [];
  const kinds = new Set(flow.messages.map((m) => m.kind));
  for (const example of flow.cli.examples) {
    const path = join(repo, 'examples', example.file);
    if (!existsSync(path)) {
      problems.push(`flow "${flow.flow}": examples/${example.file} does not exist`);
      continue;
    }
    try {
      const event = flow.decode({ data: readFileSync(path), attributes: { ...example.attributes }, messageId: 'example', publishTime: new Date('2026-11-02T08:00:00Z'), mode: 'push' });
      if (!kinds.has(event.kind) && event.kind !== 'MonitoringTestNotification') problems.push(`flow "${flow.flow}": examples/${example.file} decodes to ${event.kind}, not one of its messages`);
    } catch (err) {
      problems.push(`flow "${flow.flow}": examples/${example.file} does not decode: ${(err as Error).message}`);
    }
  }
  return problems;
}

/** Every file of examples/ belongs to a flow (an orphan example is one nothing keeps valid). */
export function checkNoOrphanExamples(repo: string, flows: readonly Flow[]): string[] {
  const listed = new Set(flows.flatMap((f) => f.cli.examples.map((e) => e.file)));
  return readdirSync(join(repo, 'examples')).filter((f) => f.endsWith('.json') && !listed.has(f))
    .map((f) => `examples/${f} is listed by no flow declaration (cli.examples)`);
}

/** `stackctl publish <kind>` reaches the flow. */
export function checkCliKind(flow: Flow, kinds: Readonly<Record<string, string>>): string[] {
  return kinds[flow.cli.kind] === flow.flow ? [] : [`flow "${flow.flow}": stackctl publish has no kind "${flow.cli.kind}" for it`];
}
