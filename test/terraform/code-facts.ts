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
  /** Label values the rule accepts from a list ({in: [...]}). */
  allowedLabels: Record<string, string[]>;
  /** Label values the rule matches with a regular expression ({regex: ...}). */
  labelPatterns: Record<string, string>;
  source: string;
}

type Condition = { kind: 'equals'; value: string } | { kind: 'in'; values: string[] } | { kind: 'regex'; pattern: string } | { kind: 'exists' } | { kind: 'absent' };

/**
 * One label condition of a rule, in the operators of shared/domain/remediation/rules.ts:
 * "value" or {equals}, {in: [..]}, {regex}, {exists: true|false}. A placeholder string
 * (`*`, a template) only requires the key.
 */
function condition(value: unknown): Condition | undefined {
  if (typeof value === 'string' || typeof value === 'number') {
    const s = String(value);
    return s === '' || s === '*' || /[{}$<>]/.test(s) ? { kind: 'exists' } : { kind: 'equals', value: s };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const op = value as Record<string, unknown>;
  if (typeof op.equals === 'string' || typeof op.equals === 'number') return { kind: 'equals', value: String(op.equals) };
  if (Array.isArray(op.in)) return { kind: 'in', values: op.in.map(String) };
  if (typeof op.regex === 'string') return { kind: 'regex', pattern: op.regex };
  if (op.exists === true) return { kind: 'exists' };
  if (op.exists === false) return { kind: 'absent' };
  return undefined;
}

/**
 * The labels the default remediation rules match on. Read from the rules file when it
 * exists: every object whose `remediation` condition is an exact value, with the
 * conditions on its sibling keys (the policy_user_labels of a rule's match).
 */
export function remediationExpectations(rulesFile: string | undefined): RemediationExpectation[] {
  if (!rulesFile) {
    const source = 'built-in default (no rules file)';
    return [
      { remediation: 'redeploy', labelKeys: ['app'], fixedLabels: { app: 'zenml-server' }, allowedLabels: {}, labelPatterns: {}, source },
      { remediation: 'pitr-restore', labelKeys: ['instance'], fixedLabels: {}, allowedLabels: {}, labelPatterns: {}, source },
    ];
  }
  const doc = parseYaml(readFileSync(rulesFile, 'utf8')) as unknown;
  const found = new Map<string, RemediationExpectation>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    const remediation = 'remediation' in obj ? condition(obj.remediation) : undefined;
    if (remediation?.kind === 'equals') {
      const exp = found.get(remediation.value) ?? {
        remediation: remediation.value,
        labelKeys: [],
        fixedLabels: {},
        allowedLabels: {},
        labelPatterns: {},
        source: rulesFile,
      };
      for (const [key, raw] of Object.entries(obj)) {
        if (key === 'remediation') continue;
        const c = condition(raw);
        if (!c || c.kind === 'absent') continue;
        if (!exp.labelKeys.includes(key)) exp.labelKeys.push(key);
        if (c.kind === 'equals') exp.fixedLabels[key] = c.value;
        if (c.kind === 'in') exp.allowedLabels[key] = c.values;
        if (c.kind === 'regex') exp.labelPatterns[key] = c.pattern;
      }
      found.set(remediation.value, exp);
    }
    Object.values(obj).forEach(visit);
  };
  visit(doc);
  if (found.size === 0) throw new Error(`${rulesFile}: no rule matches a literal "remediation" label`);
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

/** Status event kinds the code and the workflows publish (kind: 'X' in TypeScript, kind: "X" in YAML). */
export function publishedEventKinds(repoRoot: string): string[] {
  const kinds = new Set<string>();
  const scan = (dir: string, ext: RegExp): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) scan(p, ext);
      else if (ext.test(entry.name)) for (const m of readFileSync(p, 'utf8').matchAll(/\bkind:\s*['"]([A-Z][A-Za-z]+)['"]/g)) kinds.add(m[1]);
    }
  };
  scan(join(repoRoot, 'shared', 'flows'), /\.ts$/);
  scan(join(repoRoot, 'workflows'), /\.ya?ml$/);
  return [...kinds].sort();
}
