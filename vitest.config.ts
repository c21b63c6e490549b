import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One DynamoDB Local for the whole run; each test file makes its own tables in it.
    globalSetup: ['test/support/global-setup.ts'],
    // DYNAMODB_REQUEST_TIMEOUT_MS: one DynamoDB Local serves every file at once on a loaded 2-core
    // machine, where a call can take seconds; a test that is about timeouts sets its own.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT', DYNAMODB_REQUEST_TIMEOUT_MS: '30000' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
