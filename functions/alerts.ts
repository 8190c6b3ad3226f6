/** Cloud Function entry point `alerts`: thin by design; decode → domain → adapters live in shared/. */
import { http } from '@google-cloud/functions-framework';
import { alertsFlow } from '../shared/flows/alerts/flow.ts';
import { pubsubHttpFunction } from '../shared/runtime/http-function.ts';

http('alerts', pubsubHttpFunction(alertsFlow));
