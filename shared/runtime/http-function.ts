/**
 * Adapts a flow to a functions-framework HTTP function. Eventarc and Pub/Sub push both
 * deliver over HTTP; taking the request ourselves lets one decoder accept binary and
 * structured CloudEvents and raw push bodies, and lets the answer encode ack (2xx) vs nack (5xx).
 */
import type { HttpFunction } from '@google-cloud/functions-framework';
import type { ControlPlaneEvent } from '../events/decode.ts';
import type { FlowDefinition } from './flow.ts';
import { processDelivery } from './pipeline.ts';
import { getContainer } from './container.ts';

export function pubsubHttpFunction<E extends ControlPlaneEvent>(flow: FlowDefinition<E, any>): HttpFunction {
  return async (req, res) => {
    try {
      const container = await getContainer();
      const body = (req as { rawBody?: Buffer }).rawBody ?? req.body;
      const outcome = await processDelivery(flow, container.deps, await container.flowDepsFor(flow.flow), req.headers, body);
      res.status(outcome.ack ? 200 : 503).json(outcome);
    } catch (err) {
      // Anything unexpected (state store down, bug) must not ack: Pub/Sub redelivers, then dead-letters.
      res.status(500).json({ ack: false, outcome: 'retry', reason: (err as Error)?.message ?? String(err) });
    }
  };
}
