import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
    // Safety net: no Google client may probe the GCE metadata server (network beyond loopback).
    env: { METADATA_SERVER_DETECTION: 'none' },
  },
});
