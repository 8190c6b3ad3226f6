/**
 * Adapts a flow to a functions-framework HTTP function. Eventarc and Pub/Sub push both
 * deliver over HTTP; taking the request ourselves lets one decoder accept binary and
 * structured CloudEvents and raw push bodies, and lets the answer encode ack (2xx) vs nack (5xx).
 */
import { http, type HttpFunction } from '@google-cloud/functions-framework';
import type { ControlPlaneEvent } from '../events/decode.ts';
import type { FlowDeclaration } from './flow.ts';
import { processDelivery } from './pipeline.ts';
import { getContainer, type Container } from './container.ts';

/**
 * Registers the flow's function under its declared name (what functions/<flow>.ts does) and starts
 * loading what its first delivery needs (the container's store and publisher, the flow's clients)
 * while functions-framework is still starting: a cold instance's first event then waits for less.
 */
export function registerFlow<E extends ControlPlaneEvent, D>(flow: FlowDeclaration<E, D>): void {
  const fn = pubsubHttpFunction(flow);
  http(flow.functionName, fn);
  fn.warm();
}

export function pubsubHttpFunction<E extends ControlPlaneEvent, D>(flow: FlowDeclaration<E, D>): HttpFunction & { warm(): void } {
  // The flow's adapters, built on its first delivery and kept for the instance (per container,
  // since a local run or a test may install another).
  const loaded = new WeakMap<Container, Promise<D>>();
  const depsFor = (container: Container): Promise<D> => {
    let deps = loaded.get(container);
    if (!deps) {
      deps = flow.loadDeps(container.env);
      // A failed import must not stick: the next delivery tries again.
      deps.catch(() => loaded.delete(container));
      loaded.set(container, deps);
    }
    return deps;
  };
  const handler: HttpFunction = async (req, res) => {
    try {
      const container = await getContainer();
      const body = (req as { rawBody?: Buffer }).rawBody ?? req.body;
      const outcome = await processDelivery(flow, container.deps, await depsFor(container), req.headers, body);
      res.status(outcome.ack ? 200 : 503).json(outcome);
      // The publisher loads after the answer, not before it (container.ts): the next delivery finds it ready.
      (container.deps.publisher as Partial<{ start(): void }>).start?.();
    } catch (err) {
      // Anything unexpected (state store down, bug) must not ack: Pub/Sub redelivers, then dead-letters.
      res.status(500).json({ ack: false, outcome: 'retry', reason: (err as Error)?.message ?? String(err) });
    }
  };
  return Object.assign(handler, {
    // A failure here is not reported: the first delivery builds again and answers with the error.
    warm: () => { getContainer().then(depsFor).catch(() => undefined); },
  });
}
