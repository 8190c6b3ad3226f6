import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES_URL } from '../../../../shared/domain/remediation/default-rules.ts';
import { RulesFileError } from '../../../../shared/domain/remediation/rules.ts';
import { loadRulesFile, rulesLoader, rulesLocation } from '../../../../shared/flows/alerts/rules-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rules file location and loading', () => {
  it('uses STACKCTL_RULES_FILE when set, else the packaged default', () => {
    expect(rulesLocation({ STACKCTL_RULES_FILE: '/etc/stackctl/rules.yaml' })).toBe('/etc/stackctl/rules.yaml');
    expect(rulesLocation({})).toBe(DEFAULT_RULES_URL);
    expect(rulesLocation({ STACKCTL_RULES_FILE: '  ' })).toBe(DEFAULT_RULES_URL);
    expect(loadRulesFile(DEFAULT_RULES_URL).rules.map((r) => r.name)).toEqual(['redeploy-app', 'pitr-restore-metadata', 'backup-on-rpo-breach']);
  });

  it('a missing or bad file fails with the path and the reason', () => {
    const missing = join(dir, 'missing.yaml');
    expect(() => loadRulesFile(missing)).toThrow(RulesFileError);
    expect(() => loadRulesFile(missing)).toThrow(`invalid rules file ${missing}: $: cannot be read: ENOENT`);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nrules:\n  - name: x\n');
    expect(() => loadRulesFile(bad)).toThrow(new RegExp(`^invalid rules file ${bad}: \\$\\.rules\\[0\\]\\.match: `));
  });

  it('loads once, and retries after a failure so a fixed file heals the instance', () => {
    const file = join(dir, 'heal.yaml');
    writeFileSync(file, 'version: 1\n');
    const load = rulesLoader(file);
    expect(load).toThrow(RulesFileError);
    writeFileSync(file, 'version: 1\nrules:\n  - { name: r, match: { severity: CRITICAL }, workflow: redeploy, mode: dry-run, target: "app:x" }\n');
    const first = load();
    writeFileSync(file, 'not: [valid');
    expect(load()).toBe(first);
  });
});
