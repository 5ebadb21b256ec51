import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'models/panda/test/**/*.test.ts'],
    // Validation tests run long simulations; give them room on a 2-core machine.
    testTimeout: 120_000,
    pool: 'forks',
  },
});
