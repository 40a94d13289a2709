import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CI asks for a JSON report (see .ci/run) to print a plain "N passed, N failed" line.
    reporters: process.env.KPATH_TEST_REPORT ? ['default', 'json'] : ['default'],
    ...(process.env.KPATH_TEST_REPORT
      ? { outputFile: { json: process.env.KPATH_TEST_REPORT } }
      : {}),
  },
})
