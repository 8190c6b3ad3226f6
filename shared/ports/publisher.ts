/** Publishes to Pub/Sub. `data` is JSON-serialised. Returns the message id. */
export interface Publisher {
  publish(topic: string, data: unknown, attributes?: Record<string, string>): Promise<string>;
}
