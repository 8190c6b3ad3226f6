// Whether dist-cli/ (bin/build-cli.js) is current: every source it was built from is at most as
// new as the build. Returns the compiled entry, or undefined to run from the sources.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function freshBuild(root, env = process.env) {
  if (env.STACKCTL_FROM_SOURCE === '1') return undefined;
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, 'dist-cli', 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(manifest.inputs) || typeof manifest.builtAtMs !== 'number') return undefined;
  for (const input of manifest.inputs) {
    try {
      if (statSync(join(root, input)).mtimeMs > manifest.builtAtMs) return undefined;
    } catch {
      return undefined;
    }
  }
  return join(root, 'dist-cli', 'main.js');
}
