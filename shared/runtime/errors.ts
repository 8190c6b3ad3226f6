/**
 * The two failure classes of the handler contract (docs/ARCHITECTURE.md, "The handler pipeline").
 *
 * - PermanentError: retrying cannot help (bad input, 400/403/404 on a create, quota).
 *   The runtime acks the message and records a dead letter with the reason.
 * - TransientError: the world may heal (429, 5xx, 409 operationInProgress, timeouts).
 *   The runtime rethrows so Pub/Sub redelivers with backoff, and eventually dead-letters.
 */
export type ErrorClass = 'permanent' | 'transient';

export interface ErrorDetails {
  /** HTTP or gRPC status code the failure came from, when there was one. */
  code?: number | string;
  /** Which step, method or field failed. */
  where?: string;
  cause?: unknown;
}

export abstract class ControlPlaneError extends Error {
  abstract readonly errorClass: ErrorClass;
  readonly code?: number | string;
  readonly where?: string;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.where = details.where;
  }
}

export class PermanentError extends ControlPlaneError {
  readonly errorClass = 'permanent' as const;
  override readonly name = 'PermanentError';
}

export class TransientError extends ControlPlaneError {
  readonly errorClass = 'transient' as const;
  override readonly name = 'TransientError';
}

/**
 * A long-running operation's outcome could not be read (its polls kept failing, or it outlived
 * the wait): it may still finish. Transient, and a flow must not undo its step as if it had failed.
 */
export class OperationPendingError extends TransientError {}

/**
 * A client could not start in this instance: its credentials were not found, or its endpoint is
 * unusable. Transient (a redelivery may land on an instance that can), but retrying in place on the
 * same instance only delays the answer: `isRetryableInPlace` says no.
 */
export class ClientUnavailableError extends TransientError {}

/** Transient and worth retrying within this delivery (a flow's in-place backoff). */
export function isRetryableInPlace(err: unknown): boolean {
  return isTransient(err) && !(err instanceof ClientUnavailableError);
}

/** A message failed validation at the edge; `path` is the JSON path of the offending field. */
export class ValidationError extends PermanentError {
  readonly issues: ReadonlyArray<{ path: string; message: string }>;

  constructor(issues: ReadonlyArray<{ path: string; message: string }>, where = 'message') {
    super(`invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { where });
    this.issues = issues;
  }
}

export function isTransient(err: unknown): boolean {
  return err instanceof ControlPlaneError && err.errorClass === 'transient';
}

export function isPermanent(err: unknown): boolean {
  return err instanceof ControlPlaneError && err.errorClass === 'permanent';
}

/**
 * Classifies an HTTP status the way every adapter must: 408/429/5xx and 409 "operation in
 * progress" are worth another delivery; everything else is a property of the request.
 */
export function classifyHttpStatus(status: number, message = ''): ErrorClass {
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  if (status === 409 && /operation.?in.?progress|another operation|in progress/i.test(message)) return 'transient';
  return 'permanent';
}

/**
 * The port reported "not found" (HTTP 404). Adapters turn every client failure into a
 * ControlPlaneError carrying the HTTP status as `code`, so flows ask here, not an adapter.
 */
export function isNotFound(err: unknown): boolean {
  return err instanceof ControlPlaneError && err.code === 404;
}

/** The port reported "already exists" (HTTP 409 that is not an operation still in progress). */
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ControlPlaneError && err.code === 409 && !/in progress/i.test(err.message);
}
