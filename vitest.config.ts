import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'main/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    // A loaded CI machine answers a page or a host well past vitest's 1 s default; Playwright's actions wait 10 s too.
    expect: { poll: { timeout: 10_000 } },
  },
});
