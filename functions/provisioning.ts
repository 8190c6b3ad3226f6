/** Cloud Function entry point `provisioning`: thin by design; decode → domain → adapters live in shared/. */
import { http } from '@google-cloud/functions-framework';
import { provisioningFlow } from '../shared/flows/provisioning/flow.ts';
import { pubsubHttpFunction } from '../shared/runtime/http-function.ts';

http('provisioning', pubsubHttpFunction(provisioningFlow));
