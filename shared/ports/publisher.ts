/**
 * Publishes to Pub/Sub. `data` is JSON-serialised, except a Buffer, which is sent as its bytes
 * (a parked delivery is republished byte for byte). Returns the message id.
 */
export interface Publisher {
  publish(topic: string, data: unknown, attributes?: Record<string, string>): Promise<string>;
}
