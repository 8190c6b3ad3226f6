/** Fakes for the runtime's ports: in-process, no network, inspectable. */
import type { Publisher } from '../../shared/ports/publisher.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { loadConfig, type Config } from '../../shared/runtime/config.ts';
import { Writable } from 'node:stream';

export class RecordingPublisher implements Publisher {
  readonly messages: Array<{ topic: string; data: any; attributes?: Record<string, string> }> = [];
  failNext = 0;

  async publish(topic: string, data: unknown, attributes?: Record<string, string>): Promise<string> {
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('publish unavailable'), { code: 14 });
    }
    this.messages.push({ topic, data, attributes });
    return String(this.messages.length);
  }
}

/** A logger whose lines are kept in memory, so tests can assert on redaction. */
export function memoryLogger(level = 'debug') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level, destination });
  return { logger, lines: () => { logger.flush?.(); return lines; } };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ STACKCTL_DATA_DIR: '.data/test', LOG_LEVEL: 'silent', ...overrides });
}

/** An ObjectStore in memory: enough for dead-letter payloads (objects only, no bucket rules). */
export class MemoryObjectStore {
  readonly objects = new Map<string, Buffer>();

  async putObject(bucket: string, name: string, data: Buffer | string): Promise<{ bucket: string; name: string; size: number }> {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
    this.objects.set(`${bucket}/${name}`, bytes);
    return { bucket, name, size: bytes.length };
  }

  async getObject(bucket: string, name: string): Promise<Buffer | null> {
    return this.objects.get(`${bucket}/${name}`) ?? null;
  }

  async listObjects(bucket: string, options: { prefix?: string } = {}): Promise<Array<{ bucket: string; name: string; size: number }>> {
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(`${bucket}/${options.prefix ?? ''}`))
      .map(([k, v]) => ({ bucket, name: k.slice(bucket.length + 1), size: v.length }));
  }
}
