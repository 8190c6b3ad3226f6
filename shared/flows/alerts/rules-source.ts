/**
 * Loading the rules file: `STACKCTL_RULES_FILE` when set, else the packaged default-rules.yaml.
 * Loaded once per process on first use (a function instance that never sees an incident never
 * reads it); a bad file throws RulesFileError with the file and every problem.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RULES_URL } from '../../domain/remediation/default-rules.ts';
import { parseRules, RulesFileError, type RulesFile } from '../../domain/remediation/rules.ts';

export function loadRulesFile(location: string | URL): RulesFile {
  const path = location instanceof URL ? fileURLToPath(location) : location;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RulesFileError(path, [{ path: '$', message: `cannot be read: ${(err as Error).message}` }]);
  }
  return parseRules(text, path);
}

export function rulesLocation(env: NodeJS.ProcessEnv = process.env): string | URL {
  const configured = env.STACKCTL_RULES_FILE?.trim();
  return configured ? configured : DEFAULT_RULES_URL;
}

/** A memoised loader; a failed load is retried on the next call, so fixing the file heals the instance. */
export function rulesLoader(location: string | URL): () => RulesFile {
  let cached: RulesFile | undefined;
  return () => (cached ??= loadRulesFile(location));
}
