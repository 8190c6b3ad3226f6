/** Cloud Function entry point for the budgetsFlow declaration; it imports that flow only, so its bundle loads nothing else. */
import { budgetsFlow } from '../shared/flows/budgets/flow.ts';
import { registerFlow } from '../shared/runtime/http-function.ts';

registerFlow(budgetsFlow);
