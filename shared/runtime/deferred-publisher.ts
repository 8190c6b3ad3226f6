/**
 * A Publisher whose client loads on first use, or earlier when `start()` is called. Importing
 * @google-cloud/pubsub is a large part of a cold start, and many first deliveries publish nothing
 * (a duplicate): the function starts it once its first delivery is answered, so the next one finds
 * it loaded. A failed load is not kept: the next publish loads again.
 */
import type { Publisher } from '../ports/publisher.ts';

export class DeferredPublisher implements Publisher {
  private loading?: Promise<Publisher>;

  constructor(private readonly load: () => Promise<Publisher>) {}

  /** Starts loading now (idempotent); a function calls it once its first delivery is answered. */
  start(): void {
    void this.ready().catch(() => undefined);
  }

  async publish(topic: string, data: unknown, attributes?: Record<string, string>): Promise<string> {
    return (await this.ready()).publish(topic, data, attributes);
  }

  async close(): Promise<void> {
    if (!this.loading) return;
    const publisher = await this.loading.catch(() => undefined);
    await (publisher as Partial<{ close(): Promise<void> }> | undefined)?.close?.();
  }

  private ready(): Promise<Publisher> {
    if (!this.loading) {
      const loading = this.load();
      loading.catch(() => { if (this.loading === loading) this.loading = undefined; });
      this.loading = loading;
    }
    return this.loading;
  }
}
