/**
 * The archive's entry (package.json `main`). A Cloud Functions instance serves one target, so it
 * loads only that function's module (and so only its flow): the target comes from STACKCTL_FUNCTION
 * (set per function by Terraform) or FUNCTION_TARGET (functions-framework's own variable). With
 * neither, as in the local stack, every function is registered.
 */
const FUNCTION_MODULES: Record<string, () => Promise<unknown>> = {
  provisioning: () => import('./provisioning.ts'),
  alerts: () => import('./alerts.ts'),
  budgets: () => import('./budgets.ts'),
  backups: () => import('./backups.ts'),
  costReports: () => import('./cost-reports.ts'),
};

const target = process.env.STACKCTL_FUNCTION || process.env.FUNCTION_TARGET;
const load = target ? FUNCTION_MODULES[target] : undefined;
if (target && !load) throw new Error(`function target "${target}" is not one of ${Object.keys(FUNCTION_MODULES).join(', ')}`);
await (load ? load() : Promise.all(Object.values(FUNCTION_MODULES).map((l) => l())));
