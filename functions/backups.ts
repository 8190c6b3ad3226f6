/** Cloud Function entry point for the backupsFlow declaration; it imports that flow only, so its bundle loads nothing else. */
import { backupsFlow } from '../shared/flows/backups/flow.ts';
import { registerFlow } from '../shared/runtime/http-function.ts';

registerFlow(backupsFlow);
