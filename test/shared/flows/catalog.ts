/**
 * The README event catalog against the schemas: every field documented with zod `.describe()` has a
 * row `| \`path\` | type | description |` in its topic's section holding that description, every
 * field of a contract we own (strict objects) has a description, and no row names a field the
 * schemas lack. Google-owned formats (loose objects) list only the fields the code uses.
 */
import type { z } from 'zod';
import { TOPICS } from '../../../shared/events/topics.ts';
import type { FlowDeclaration } from '../../../shared/runtime/flow.ts';

export interface SchemaField {
  path: string;
  description?: string;
  /** The field belongs to a strict object (a contract we own). */
  owned: boolean;
}

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType; shape?: Record<string, z.ZodType>; catchall?: z.ZodType };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The description on a schema or on any wrapper around it (optional, default, pipe…), and the object inside, if any. */
function unwrap(schema: z.ZodType): { description?: string; object?: z.ZodType } {
  let current: z.ZodType | undefined = schema;
  let description: string | undefined;
  while (current) {
    description ??= current.description;
    const def = defOf(current);
    if (def.type === 'object') return { description, object: current };
    current = def.innerType ?? (def.type === 'pipe' ? def.out : undefined);
  }
  return { description };
}

export function schemaFields(schema: z.ZodType, prefix = ''): SchemaField[] {
  const object = unwrap(schema).object;
  if (!object) return [];
  const def = defOf(object);
  const owned = defOf(def.catchall ?? object).type === 'never';
  const out: SchemaField[] = [];
  for (const [key, field] of Object.entries(def.shape ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const inner = unwrap(field);
    if (inner.object) out.push(...schemaFields(inner.object, path));
    else out.push({ path, description: inner.description, owned });
  }
  return out;
}

/** The README section of a topic: from its `### \`topic\`` heading to the next heading. */
export function catalogSection(readme: string, topic: string): string | undefined {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`### \`${topic}\``));
  if (start === -1) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^#{2,3} /.test(l));
  return lines.slice(start, end === -1 ? undefined : end).join('\n');
}

export function flowFields(flow: Pick<FlowDeclaration, 'messages'>): SchemaField[] {
  return flow.messages.flatMap((m) => schemaFields(m.schema, m.attributes ? 'attributes' : (m.path ?? '')));
}

export function checkCatalog(flow: Pick<FlowDeclaration, 'flow' | 'messages'>, readme: string): string[] {
  const topic = TOPICS[flow.flow];
  const section = catalogSection(readme, topic);
  if (section === undefined) return [`README.md has no "### \`${topic}\`" section in the event catalog`];
  const problems: string[] = [];
  const fields = flowFields(flow);
  // One topic may carry several messages with the same top-level fields (a job and its follow
  // tick, each with its own table): a field is documented when any of its rows says its rule.
  const rows = new Map<string, string[]>();
  for (const m of section.matchAll(/^\| `([^`]+)` \|.*$/gm)) rows.set(m[1]!, [...(rows.get(m[1]!) ?? []), m[0]]);
  for (const field of fields) {
    if (field.description === undefined) {
      if (field.owned) problems.push(`${topic}: field ${field.path} has no .describe()`);
      continue;
    }
    const candidates = rows.get(field.path);
    if (!candidates) problems.push(`${topic}: README has no row for ${field.path}`);
    else if (!candidates.some((row) => row.includes(field.description!))) problems.push(`${topic}: README row for ${field.path} does not say "${field.description}"`);
  }
  const known = new Set(fields.map((f) => f.path));
  for (const path of rows.keys()) if (!known.has(path)) problems.push(`${topic}: README documents ${path}, which the schemas do not have`);
  return problems;
}
