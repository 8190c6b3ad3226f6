/**
 * gRPC errors with the canonical status codes the real Pub/Sub service returns, so client code
 * that branches on `err.code` (5 NOT_FOUND, 6 ALREADY_EXISTS, 3 INVALID_ARGUMENT) behaves the same
 * locally as in production.
 */
import { status } from '@grpc/grpc-js';

export class PubsubError extends Error {
  constructor(readonly code: status, message: string) {
    super(message);
  }
}

export const invalidArgument = (message: string) => new PubsubError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new PubsubError(status.NOT_FOUND, message);
export const alreadyExists = (message: string) => new PubsubError(status.ALREADY_EXISTS, message);
export const failedPrecondition = (message: string) => new PubsubError(status.FAILED_PRECONDITION, message);
export const unimplemented = (message: string) => new PubsubError(status.UNIMPLEMENTED, message);
export const unavailable = (message: string) => new PubsubError(status.UNAVAILABLE, message);
