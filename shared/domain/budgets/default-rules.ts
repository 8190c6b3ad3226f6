/** The packaged budget rules, resolved next to this module so the deploy bundle finds it too. */
export const DEFAULT_BUDGET_RULES_URL = new URL('./budget-rules.yaml', import.meta.url);
