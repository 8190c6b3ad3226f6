/**
 * The errors Cloud SQL Admin answers with. Sources:
 * - 409 operationInProgress, "Operation failed because another operation was already in
 *   progress.": the text Cloud SQL returns, as quoted in googleapi errors in
 *   crossplane-contrib/provider-gcp#121 and GoogleCloudPlatform/gcp-service-broker#222.
 *   The canonical status for a concurrency conflict is ABORTED (google.rpc.Code, AIP-193).
 * - 400 errorBackupNotFound, "A successful backup that's required for carrying out the CLONE
 *   operation can't be found, ...": quoted from a clone failure in
 *   hashicorp/terraform-provider-google#14305; its code ERROR_BACKUP_NOT_FOUND is listed at
 *   https://cloud.google.com/sql/docs/postgres/admin-api-error-messages.
 * - ERROR_BINLOG_NOT_ENABLED and 409 instanceAlreadyExists / 404 instanceDoesNotExist: codes
 *   from the same error table; the English wording of the binlog message is our rendering of it.
 */
import { SimError } from '../../errors.ts';

export const operationInProgress = () =>
  new SimError(409, 'Operation failed because another operation was already in progress.', 'ABORTED', 'operationInProgress');

export const instanceNotFound = () =>
  new SimError(404, 'The Cloud SQL instance does not exist.', 'NOT_FOUND', 'instanceDoesNotExist');

export const instanceAlreadyExists = () =>
  new SimError(409, 'The Cloud SQL instance already exists.', 'ALREADY_EXISTS', 'instanceAlreadyExists');

export const backupNotFoundForClone = (detail: string) => new SimError(
  400,
  `A successful backup that's required for carrying out the CLONE operation can't be found, or a backup that was created before the restored timestamp can't be found. Modify the ID or timestamp for the backup. (${detail})`,
  'FAILED_PRECONDITION',
  'errorBackupNotFound',
);

export const binlogNotEnabled = (instance: string) => new SimError(
  400,
  `The requested operation isn't allowed for instances without binary logging (MySQL) or point-in-time recovery (PostgreSQL) enabled: ${instance}.`,
  'FAILED_PRECONDITION',
  'errorBinlogNotEnabled',
);

export const invalidRequest = (detail: string) => new SimError(400, `Invalid request: ${detail}`, 'INVALID_ARGUMENT', 'invalid');

export const notFound = (what: string) => new SimError(404, `${what} does not exist.`, 'NOT_FOUND', 'notFound');

export const alreadyExists = (what: string) => new SimError(409, `${what} already exists.`, 'ALREADY_EXISTS', 'alreadyExists');
