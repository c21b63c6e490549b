import { defineConfig } from 'vitest/config';

/**
 * The unit tests alone, as `npm run mutation` runs them: no DynamoDB Local, no I/O. Stryker runs
 * each test once per mutant it covers, so a slow test multiplies. Left out here (still in
 * `npm test`): the 10,000-request property test of the HTTP layer (~25 s a run; it would run for
 * every mutant of the click path, hours in all). The scores are therefore a lower bound.
 * Also left out: the import-purity test, which checks what importing a fresh module graph
 * builds; with modules kept loaded between files (below) a file that ran earlier in the same
 * worker has already imported the Powertools modules it counts, so it would fail depending on
 * file order. It tests import-time code, which the mutation run ignores (static mutants) anyway.
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    exclude: ['test/unit/http-hostile-input.test.ts', 'test/unit/import-purity.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' },
    testTimeout: 30_000,
    pool: 'forks',
    // Modules stay loaded between Stryker's runs: a mutant is switched on at run time through a
    // global, not by re-importing, and the unit tests share no state through core modules.
    isolate: false,
  },
});
