/** Cloud Function entry point for the alertsFlow declaration; it imports that flow only, so its bundle loads nothing else. */
import { alertsFlow } from '../shared/flows/alerts/flow.ts';
import { registerFlow } from '../shared/runtime/http-function.ts';

registerFlow(alertsFlow);
