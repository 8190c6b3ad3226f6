#!/usr/bin/env node
// Runs the compiled CLI (dist-cli/, built by `npm ci` through `prepare`) while it is fresh: no
// source it was built from is newer than the build. Otherwise (an edited checkout, a build that
// never ran) it runs the TypeScript sources through tsx, which is slower to start but always current.
// STACKCTL_FROM_SOURCE=1 forces the sources.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function freshBuild() {
  if (process.env.STACKCTL_FROM_SOURCE === '1') return undefined;
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, 'dist-cli', 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(manifest.inputs)) return undefined;
  for (const input of manifest.inputs) {
    try {
      if (statSync(join(root, input)).mtimeMs > manifest.builtAtMs) return undefined;
    } catch {
      return undefined;
    }
  }
  return join(root, 'dist-cli', 'main.js');
}

const compiled = freshBuild();
let main;
if (compiled) {
  ({ main } = await import(compiled));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../shared/local/cli/main.ts'));
}
await main(process.argv);
