/**
 * Structured JSON logs in the shape Cloud Logging reads from stdout: `severity`, `message`,
 * `time`. Secrets are removed twice: by key (password, token, authorization, …) and by value
 * (every secret the process has seen is registered and scrubbed from any string).
 */
import pino, { type Logger } from 'pino';

const SEVERITY: Record<string, string> = {
  trace: 'DEBUG', debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR', fatal: 'CRITICAL',
};

const SECRET_KEY = /pass(word)?|secret|token|authorization|api[-_]?key|private[-_]?key|credential/i;
const knownSecrets = new Set<string>();

/** Remember a secret value so it can never appear in a log line. */
export function registerSecretValue(value: string): void {
  if (value.length >= 6) knownSecrets.add(value);
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') {
    let out = value;
    for (const secret of knownSecrets) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1) };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[REDACTED]' : redact(v, depth + 1);
    return out;
  }
  return value;
}

export function createLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name,
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      base: undefined,
      formatters: {
        level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }),
        log: (object) => redact(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? (redact(a) as string) : a)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

export type { Logger };
