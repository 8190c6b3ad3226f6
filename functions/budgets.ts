/** Cloud Function entry point `budgets`: thin by design; decode → domain → adapters live in shared/. */
import { http } from '@google-cloud/functions-framework';
import { budgetsFlow } from '../shared/flows/budgets/definition.ts';
import { pubsubHttpFunction } from '../shared/runtime/http-function.ts';

http('budgets', pubsubHttpFunction(budgetsFlow));
