/**
 * Connectors' built-in retries, as "Understand connectors" (https://cloud.google.com/workflows/docs/connectors,
 * Retries and Long-running operations) defines them:
 * - a GET request is retried with the idempotent policy (http.default_retry: HTTP 429, 502, 503, 504,
 *   ConnectionError, ConnectionFailedError, TimeoutError);
 * - a request with any other HTTP method with the non-idempotent one (http.default_retry_non_idempotent: HTTP 429,
 *   503, ConnectionFailedError);
 * - both with the policies' max_retries 5 and backoff (1 s, ×1.25, at most 60 s), waiting on the injected clock;
 * - "the above retry mechanism applies to failed polling attempts": each long-running-operation poll is a GET and is
 *   retried the same way.
 * connector_params has no retry field (timeout, polling_policy, skip_polling and scopes only), so the policy cannot
 * be overridden per call; a workflow that wants other retries wraps the call in try/retry, on top of these.
 */
import { WorkflowError } from '../errors.ts';
import { backoffDelay, DEFAULT_BACKOFF, DEFAULT_MAX_RETRIES, POLICY_PREDICATE, PREDICATES } from '../retry.ts';
import type { WfValue } from '../values.ts';
import type { ConnectorMethod } from './catalog.ts';

export type Sleeper = (seconds: number) => Promise<void>;

/** The predefined policy a connector request of this HTTP method uses. */
export function connectorRetryPolicy(httpMethod: ConnectorMethod['httpMethod']): 'http.default_retry' | 'http.default_retry_non_idempotent' {
  return httpMethod === 'GET' ? 'http.default_retry' : 'http.default_retry_non_idempotent';
}

/** Sends with the built-in retry policy of `httpMethod`; the last error is raised once the retries are used up. */
export async function withConnectorRetry(httpMethod: ConnectorMethod['httpMethod'], sleep: Sleeper, send: () => Promise<WfValue>): Promise<WfValue> {
  const retryable = PREDICATES[POLICY_PREDICATE[connectorRetryPolicy(httpMethod)]];
  for (let retry = 1; ; retry++) {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof WorkflowError) || retry > DEFAULT_MAX_RETRIES || !retryable(err.value)) throw err;
      await sleep(backoffDelay(DEFAULT_BACKOFF, retry));
    }
  }
}
