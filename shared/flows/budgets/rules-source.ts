/** The budget rules: STACKCTL_BUDGET_RULES_FILE when set, else the packaged default; read on first use. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BUDGET_RULES_URL } from '../../domain/budgets/default-rules.ts';
import { BudgetRulesError, parseBudgetRules, type BudgetRules } from '../../domain/budgets/rules.ts';

export function loadBudgetRules(location: string | URL): BudgetRules {
  const path = location instanceof URL ? fileURLToPath(location) : location;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BudgetRulesError(path, [{ path: '$', message: `cannot be read: ${(err as Error).message}` }]);
  }
  return parseBudgetRules(text, path);
}

export function budgetRulesLocation(env: NodeJS.ProcessEnv = process.env): string | URL {
  return env.STACKCTL_BUDGET_RULES_FILE?.trim() || DEFAULT_BUDGET_RULES_URL;
}

/** Memoised; a failed load is retried on the next call, so fixing the file heals the instance. */
export function budgetRulesLoader(location: string | URL): () => BudgetRules {
  let cached: BudgetRules | undefined;
  return () => (cached ??= loadBudgetRules(location));
}
