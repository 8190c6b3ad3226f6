/**
 * Google's JSON error envelope: {"error":{"code","message","status","errors":[...]}}.
 * `status` is the canonical gRPC code name the REST surface reports alongside the HTTP code.
 */
export const HTTP_TO_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export class SimError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status: string = HTTP_TO_STATUS[code] ?? 'UNKNOWN',
    /** Legacy `errors[].reason` (Cloud SQL and Storage still send it), e.g. "operationInProgress". */
    readonly reason?: string,
    readonly domain = 'global',
  ) {
    super(message);
  }

  toJSON(): unknown {
    const error: Record<string, unknown> = { code: this.code, message: this.message, status: this.status };
    if (this.reason) error.errors = [{ message: this.message, domain: this.domain, reason: this.reason }];
    return { error };
  }
}

export const notFound = (what: string) => new SimError(404, `${what} not found.`, 'NOT_FOUND', 'notFound');
export const alreadyExists = (what: string) => new SimError(409, `${what} already exists.`, 'ALREADY_EXISTS', 'alreadyExists');
export const invalid = (message: string) => new SimError(400, message, 'INVALID_ARGUMENT', 'invalid');
