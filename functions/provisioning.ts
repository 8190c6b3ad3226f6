/** Cloud Function entry point for the provisioningFlow declaration; it imports that flow only, so its bundle loads nothing else. */
import { provisioningFlow } from '../shared/flows/provisioning/flow.ts';
import { registerFlow } from '../shared/runtime/http-function.ts';

registerFlow(provisioningFlow);
