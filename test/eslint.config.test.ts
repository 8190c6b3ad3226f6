/**
 * The wall between deployed and local code (eslint.config.js), proved on planted files: ESLint's own
 * API lints each with the repository's configuration, as `npm run lint` does.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const planted: string[] = [];

/** Writes a file into the tree (typed linting needs it on disk), lints it, and removes it after the suite. */
async function lintPlanted(path: string, code: string): Promise<ESLint.LintResult> {
  const file = join(repo, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, code);
  planted.push(file);
  const [result] = await new ESLint({ cwd: repo }).lintFiles([file]);
  return result!;
}

const boundary = (r: ESLint.LintResult) => r.messages
  .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
  .map((m) => `${m.line}: ${m.message}`);

afterAll(() => {
  for (const file of planted) rmSync(file, { force: true });
});

describe('eslint: production code imports no local code', () => {
  it('fails on a static import of shared/adapters/local from the runtime', async () => {
    const r = await lintPlanted('shared/runtime/zz-planted-lint.ts', "import { LocalAuthClient } from '../adapters/local/local-auth.ts';\nexport const auth = new LocalAuthClient();\n");
    expect(r.errorCount).toBeGreaterThan(0);
    expect(boundary(r)).toEqual([expect.stringMatching(/^1: .*production code must not import local code/)]);
  });

  it('fails on a lazy import() of shared/local from a flow, and a type-only import from a function', async () => {
    const flow = await lintPlanted('shared/flows/zz-planted-lint.ts', "export const load = () => import('../local/stack/stack.ts');\n");
    expect(boundary(flow)).toEqual([expect.stringMatching(/^1: production code must not import local code/)]);
    const fn = await lintPlanted('functions/zz-planted-lint.ts', "import type { StackFile } from '../shared/local/stack/stack-file.ts';\nexport type S = StackFile;\n");
    expect(boundary(fn)).toEqual([expect.stringMatching(/^1: .*production code must not import local code/)]);
  });

  it('fails in the gcp adapters and in the domain (whose own import rules still apply)', async () => {
    const gcp = await lintPlanted('shared/adapters/gcp/zz-planted-lint.ts', "export { LOCAL_TOKEN } from '../local/local-auth.ts';\nimport '../local/pubsub-options.ts';\n");
    expect(boundary(gcp)).toHaveLength(2);
    const domain = await lintPlanted('shared/domain/zz-planted-lint.ts', "import { VirtualClock } from '../adapters/local/virtual-clock.ts';\nimport { readFileSync } from 'node:fs';\nexport const x = [VirtualClock, readFileSync];\n");
    expect(boundary(domain)).toEqual([
      expect.stringMatching(/^1: .*production code must not import local code/),
      expect.stringMatching(/^2: .*shared\/domain does no I\/O/),
    ]);
  });

  it('lets local code import local code', async () => {
    const r = await lintPlanted('shared/local/zz-planted-lint.ts', "import { LocalAuthClient } from '../adapters/local/local-auth.ts';\nexport const auth = new LocalAuthClient();\n");
    expect(boundary(r)).toEqual([]);
    expect(r.errorCount).toBe(0);
  });
});
