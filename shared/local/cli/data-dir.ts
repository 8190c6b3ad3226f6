/**
 * Where the local stack keeps its state when neither --data-dir nor STACKCTL_DATA_DIR says:
 * `.data` at the root of the checkout the current directory is in (found by walking up to this
 * project's package.json), so every command works from any subdirectory; outside a checkout,
 * `.data` of the checkout this CLI was installed from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'stack-control-plane';

function isCheckout(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The checkout containing `from`, if any. */
export function findCheckout(from: string = process.cwd()): string | undefined {
  let dir = resolve(from);
  for (let depth = 0; depth < 64; depth++) {
    if (isCheckout(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** This CLI's own checkout (shared/local/cli → the root). */
export function ownCheckout(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
}

export function defaultDataDir(cwd: string = process.cwd()): string {
  return join(findCheckout(cwd) ?? ownCheckout(), '.data');
}
