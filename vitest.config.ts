import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Lab tests create network namespaces; keep files in one process pool so the
    // kernel work of two files does not interleave on a 2-core machine.
    fileParallelism: true,
  },
})
