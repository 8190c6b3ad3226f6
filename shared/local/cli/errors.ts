/**
 * What an error means to the person at the terminal: one line, a hint where there is one, and
 * the exit code. Known failures of the libraries underneath (no Application Default
 * Credentials, permission denied, an unreachable API, a file that is not there) are turned into
 * that line here, so no command prints a library's stack trace.
 */
import { CliError, EXIT } from './output.ts';

export interface Explained {
  message: string;
  hint?: string;
  exitCode: number;
  /** False for a bug or an unknown failure (STACKCTL_DEBUG=1 prints its stack). */
  expected: boolean;
}

const ADC_HINT = 'run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file)';

function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  let current: unknown = err;
  for (let i = 0; i < 5 && current; i++) {
    out.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

function text(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The gRPC / HTTP status of a Google client error, if it carries one. */
function googleCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function explainError(err: unknown): Explained {
  if (err instanceof CliError) return { message: err.message, hint: err.hint, exitCode: err.exitCode, expected: true };
  const all = causes(err);
  const messages = all.map(text).join(' | ');
  if (/Could not load the default credentials|Unable to detect a Project Id|invalid_grant|Could not refresh access token|reauth related error|invalid_rapt/i.test(messages)) {
    return { message: 'no usable Application Default Credentials for Google Cloud', hint: ADC_HINT, exitCode: EXIT.failure, expected: true };
  }
  const code = all.map(googleCode).find((c) => c !== undefined);
  const first = text(err).split('\n')[0]!;
  if (code === 7 || /PERMISSION_DENIED|does not have .*permission/i.test(messages)) {
    return { message: `permission denied: ${first}`, hint: 'the account of your Application Default Credentials needs the role the README\'s runbook lists for this command', exitCode: EXIT.failure, expected: true };
  }
  if (code === 14 || code === 4 || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN/.test(messages)) {
    return { message: `a Google API did not answer: ${first}`, hint: 'check the network, or the emulator host variables (PUBSUB_EMULATOR_HOST, FIRESTORE_EMULATOR_HOST) if you meant a local emulator', exitCode: EXIT.failure, expected: true };
  }
  if (code === 5) return { message: `not found: ${first}`, exitCode: EXIT.failure, expected: true };
  const errno = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) {
    return { message: first, exitCode: EXIT.failure, expected: true };
  }
  if (err instanceof Error && /^(PermanentError|TransientError|ValidationError)$/.test(err.name)) {
    return { message: first, exitCode: EXIT.failure, expected: true };
  }
  return { message: first, hint: 'this looks like a bug; STACKCTL_DEBUG=1 prints where it happened', exitCode: EXIT.failure, expected: false };
}
