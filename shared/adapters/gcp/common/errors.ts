/**
 * Maps whatever a Google client throws onto the runtime's two error classes. google-gax
 * (REST fallback and gRPC) reports canonical gRPC codes; @google-cloud/storage reports HTTP
 * codes; fetch reports network errors. 409 is transient only when it is Cloud SQL's
 * "operation in progress", not "already exists".
 */
import {
  ControlPlaneError, isAlreadyExists as isAlreadyExistsError, isNotFound as isNotFoundError, PermanentError, TransientError,
} from '../../../runtime/errors.ts';

const GRPC = {
  CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
} as const;

const GRPC_TO_HTTP: Record<number, number> = {
  1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400,
  12: 501, 13: 500, 14: 503, 15: 500, 16: 401,
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

export interface ApiFailure {
  /** HTTP status equivalent. */
  httpStatus: number;
  grpcCode?: number;
  reason?: string;
  message: string;
  network: boolean;
}

export function describeFailure(err: unknown): ApiFailure {
  const e = (err ?? {}) as Record<string, any>;
  // google-gax REST errors carry `details: []` (structured details), not the text: fall back to `message`.
  const message = String((typeof e.details === 'string' && e.details) || e.message || err);
  const reason: string | undefined = e.reason ?? e.errors?.[0]?.reason ?? e.statusDetails?.find?.((d: any) => d?.reason)?.reason
    ?? (/operationInProgress|another operation was already in progress/i.test(message) ? 'operationInProgress' : undefined);
  const causeCode = e.cause?.code ?? e.code;
  if (typeof causeCode === 'string' && NETWORK_CODES.has(causeCode)) return { httpStatus: 503, message, network: true, reason };
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return { httpStatus: 504, message, network: true, reason };
  if (message.includes('fetch failed')) return { httpStatus: 503, message, network: true, reason };
  if (typeof e.code === 'number') {
    if (e.code >= 100) return { httpStatus: e.code, message, network: false, reason };
    return { httpStatus: GRPC_TO_HTTP[e.code] ?? 500, grpcCode: e.code, message, network: false, reason };
  }
  if (typeof e.status === 'number') return { httpStatus: e.status, message, network: false, reason };
  return { httpStatus: 500, message, network: false, reason };
}

export function isNotFound(err: unknown): boolean {
  if (err instanceof ControlPlaneError) return isNotFoundError(err);
  return describeFailure(err).httpStatus === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  if (err instanceof ControlPlaneError) return isAlreadyExistsError(err);
  const f = describeFailure(err);
  return f.httpStatus === 409 && f.reason !== 'operationInProgress' && f.grpcCode !== GRPC.ABORTED;
}

/** Converts a client failure into PermanentError or TransientError, keeping the original as `cause`. */
export function toControlPlaneError(err: unknown, where: string): ControlPlaneError {
  if (err instanceof ControlPlaneError) return err;
  const f = describeFailure(err);
  const inProgress = f.httpStatus === 409 && (f.reason === 'operationInProgress' || f.grpcCode === GRPC.ABORTED);
  const transient = f.network || inProgress || f.httpStatus === 408 || f.httpStatus === 429 || f.httpStatus >= 500;
  const text = `${where}: ${f.message}`;
  return transient
    ? new TransientError(text, { code: f.httpStatus, where, cause: err })
    : new PermanentError(text, { code: f.httpStatus, where, cause: err });
}

/** Runs one API call and classifies its failure. */
export async function callApi<T>(where: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toControlPlaneError(err, where);
  }
}
