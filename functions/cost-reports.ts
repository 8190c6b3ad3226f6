/** Cloud Function entry point for the costReportsFlow declaration; it imports that flow only, so its bundle loads nothing else. */
import { costReportsFlow } from '../shared/flows/cost-reports/flow.ts';
import { registerFlow } from '../shared/runtime/http-function.ts';

registerFlow(costReportsFlow);
