/**
 * The deploy/ app-of-apps read as data: every YAML document of a chart's templates, with the
 * `{{ .Values.x }}` references resolved from the chart's values.yaml (the templates keep every
 * expression inside a quoted scalar and control lines on their own, so they parse as YAML).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

export interface Manifest {
  file: string;
  doc: Record<string, any>;
}

function lookup(values: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), values);
}

function resolve(node: unknown, values: Record<string, unknown>): unknown {
  if (typeof node === 'string') {
    return node.replace(/\{\{-?\s*\.Values\.([\w.]+)\s*-?\}\}/g, (_m, p: string) => String(lookup(values, p) ?? ''));
  }
  if (Array.isArray(node)) return node.map((n) => resolve(n, values));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v, values)]));
  return node;
}

/** Every document of every chart under `root` (a directory of charts with Chart.yaml). */
export function loadCharts(root: string): Manifest[] {
  const out: Manifest[] = [];
  for (const chart of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const dir = join(root, chart.name);
    if (!existsSync(join(dir, 'Chart.yaml'))) continue;
    const values = (parseYaml(readFileSync(join(dir, 'values.yaml'), 'utf8')) ?? {}) as Record<string, unknown>;
    const templates = join(dir, 'templates');
    for (const f of readdirSync(templates).filter((x) => /\.ya?ml$/.test(x)).sort()) {
      const text = readFileSync(join(templates, f), 'utf8').split('\n').filter((l) => !/^\s*\{\{-?\s*(if|end|else|range|with)\b.*\}\}\s*$/.test(l)).join('\n');
      for (const d of parseAllDocuments(text)) {
        if (d.errors.length > 0) throw new Error(`${relative(root, join(templates, f))}: ${d.errors[0].message}`);
        const doc = d.toJS() as Record<string, any> | null;
        if (doc) out.push({ file: relative(root, join(templates, f)), doc: resolve(doc, values) as Record<string, any> });
      }
    }
  }
  return out;
}
