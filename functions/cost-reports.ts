/** Cloud Function entry point `costReports`: thin by design; decode → domain → adapters live in shared/. */
import { http } from '@google-cloud/functions-framework';
import { costReportsFlow } from '../shared/flows/cost-reports/definition.ts';
import { pubsubHttpFunction } from '../shared/runtime/http-function.ts';

http('costReports', pubsubHttpFunction(costReportsFlow));
