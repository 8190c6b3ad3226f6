#!/usr/bin/env node
// Runs the compiled CLI (dist-cli/, built by `npm ci` through `prepare`) while it is fresh: no
// source it was built from is newer than the build. Otherwise (an edited checkout, a build that
// never ran) it runs the TypeScript sources through tsx, which is slower to start but always current.
// STACKCTL_FROM_SOURCE=1 forces the sources.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshBuild } from './fresh-build.js';

const compiled = freshBuild(join(dirname(fileURLToPath(import.meta.url)), '..'));
let main;
if (compiled) {
  ({ main } = await import(compiled));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../shared/local/cli/main.ts'));
}
await main(process.argv);
