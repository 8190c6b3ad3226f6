import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET_RULES_URL } from '../../../../shared/domain/budgets/default-rules.ts';
import { BudgetRulesError, parseBudgetRules, planCrossing } from '../../../../shared/domain/budgets/rules.ts';

const rules = parseBudgetRules(readFileSync(fileURLToPath(DEFAULT_BUDGET_RULES_URL), 'utf8'), 'budget-rules.yaml');
const crossing = (basis: 'actual' | 'forecast', threshold: number) => ({ basis, threshold, key: `b:i:${basis}:${threshold}` });
const ctx = (environment: 'dev' | 'prod') => ({ environment, budgetDisplayName: 'zenml monthly budget' });

describe('budget rules', () => {
  it('every threshold is notified; only dev at >= 100 % actual scales down, behind approval', () => {
    expect(planCrossing(crossing('actual', 0.9), ctx('dev'), rules).actions).toEqual([{ type: 'notify', approval: 'none', rules: ['notify-every-threshold'] }]);
    expect(planCrossing(crossing('actual', 1), ctx('dev'), rules).actions).toEqual([
      { type: 'notify', approval: 'none', rules: ['notify-every-threshold'] },
      { type: 'scale-down', approval: 'required', rules: ['dev-scale-down-at-budget'] },
    ]);
    expect(planCrossing(crossing('actual', 1.2), ctx('prod'), rules).actions.map((a) => a.type)).toEqual(['notify']);
    expect(planCrossing(crossing('forecast', 1), ctx('dev'), rules).actions.map((a) => a.type)).toEqual(['notify']);
  });

  it('names every problem of a bad file with its path', () => {
    const bad = 'version: 1\nrules:\n  - name: Bad Name\n    match: { basis: [sometimes], minThreshold: 2, maxThreshold: 1 }\n    actions: [scale-down]\n';
    let error: unknown;
    try { parseBudgetRules(bad, 'x.yaml'); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(BudgetRulesError);
    const paths = (error as BudgetRulesError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['$.rules[0].name', '$.rules[0].match.basis[0]']));
    expect(() => parseBudgetRules('version: 1\nrules:\n  - name: s\n    match: {}\n    actions: [scale-down]\n', 'y.yaml')).toThrow(/scale-down needs scaleDown.apps/);
    expect(() => parseBudgetRules(': :', 'z.yaml')).toThrow(BudgetRulesError);
  });
});
