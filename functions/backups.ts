/** Cloud Function entry point `backups`: thin by design; decode → domain → adapters live in shared/. */
import { http } from '@google-cloud/functions-framework';
import { backupsFlow } from '../shared/flows/backups/flow.ts';
import { pubsubHttpFunction } from '../shared/runtime/http-function.ts';

http('backups', pubsubHttpFunction(backupsFlow));
