/**
 * What the TypeScript side declares, read from the code itself (never from a copy), so the
 * consistency checks compare Terraform with the real thing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Targets registered with functions-framework's cloudEvent('x', …) / http('x', …) in a directory of .ts files. */
export function registeredTargets(functionsDir: string): Array<{ target: string; file: string }> {
  if (!existsSync(functionsDir)) return [];
  const out: Array<{ target: string; file: string }> = [];
  for (const f of readdirSync(functionsDir).filter((x) => x.endsWith('.ts')).sort()) {
    const text = readFileSync(join(functionsDir, f), 'utf8');
    for (const m of text.matchAll(/\b(?:cloudEvent|http)\s*(?:<[^>]*>)?\(\s*['"`]([\w-]+)['"`]/g)) {
      out.push({ target: m[1], file: f });
    }
  }
  return out;
}

export function workflowFiles(workflowsDir: string): string[] {
  if (!existsSync(workflowsDir)) return [];
  return readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).sort();
}

/** What an alert policy must carry for one remediation rule to match it. */
export interface RemediationExpectation {
  remediation: string;
  /** Label keys the rule reads from the incident (e.g. app, instance). */
  labelKeys: string[];
  /** Label values the rule requires literally (e.g. app = zenml-server). */
  fixedLabels: Record<string, string>;
  source: string;
}

/**
 * The labels the default remediation rules match on. Read from the rules file when it
 * exists: any object with a `remediation` label value, next to its sibling labels; a
 * sibling value that looks like a placeholder (`*`, `${…}`, `{…}`, empty) is a key only.
 */
export function remediationExpectations(rulesFile: string | undefined): RemediationExpectation[] {
  if (!rulesFile) {
    return [
      { remediation: 'redeploy', labelKeys: ['app'], fixedLabels: { app: 'zenml-server' }, source: 'built-in default (no rules file)' },
      { remediation: 'pitr-restore', labelKeys: ['instance'], fixedLabels: {}, source: 'built-in default (no rules file)' },
    ];
  }
  const doc = parseYaml(readFileSync(rulesFile, 'utf8')) as unknown;
  const found = new Map<string, RemediationExpectation>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (typeof obj.remediation === 'string') {
      const exp = found.get(obj.remediation) ?? { remediation: obj.remediation, labelKeys: [], fixedLabels: {}, source: rulesFile };
      for (const [k, v] of Object.entries(obj)) {
        if (k === 'remediation' || (typeof v !== 'string' && typeof v !== 'number')) continue;
        if (!exp.labelKeys.includes(k)) exp.labelKeys.push(k);
        const s = String(v);
        if (s !== '' && s !== '*' && !/[{}$<>]/.test(s)) exp.fixedLabels[k] = s;
      }
      found.set(obj.remediation, exp);
    }
    Object.values(obj).forEach(visit);
  };
  visit(doc);
  if (found.size === 0) throw new Error(`${rulesFile}: no rule with a "remediation" label was found`);
  return [...found.values()];
}

/** The default rules file of the domain, wherever under shared/domain it was put. */
export function findRulesFile(repoRoot: string): string | undefined {
  const base = join(repoRoot, 'shared', 'domain');
  if (!existsSync(base)) return undefined;
  const stack = [base];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(p);
      else if (/rules?\.ya?ml$/.test(entry.name) && /remediation|default/.test(p)) return p;
    }
  }
  return undefined;
}
