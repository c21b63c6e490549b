import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../core/metric-names.ts';
import { REPO_ROOT, repoPath } from '../paths.ts';

/**
 * The one set of defaults every reftrack Lambda shares. ESM output so handlers can resolve
 * secrets with top-level await at cold start; the banner gives bundled CommonJS dependencies
 * a `require` (esbuild's ESM output has none). AWS SDK clients are bundled so behaviour does
 * not drift with the runtime's copy; esbuild is the local devDependency, never Docker.
 * `bench/bundles.ts` builds its floor (the bare DynamoDB client) with these same options.
 */
export const FUNCTION_DEFAULTS = {
  runtime: lambda.Runtime.NODEJS_22_X,
  architecture: lambda.Architecture.ARM_64,
  projectRoot: REPO_ROOT,
  depsLockFilePath: repoPath('package-lock.json'),
  bundling: {
    format: nodejs.OutputFormat.ESM,
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    // No source maps: `--enable-source-maps` makes node parse the map at import, which more than
    // doubled the redirect's measured cold import (bench: coldstart.redirect.ms against
    // bundle.redirect.init_ms). keepNames below keeps logged errors readable without it.
    sourceMap: false,
    bundleAwsSDK: true,
    forceDockerBundling: false,
    // Readable class and function names in logged errors and stack traces (a few KiB).
    keepNames: true,
    // Lambda's credentials are in the environment: bundle only that provider (see adapters/lambda-credentials.ts).
    esbuildArgs: { '--alias': `@aws-sdk/credential-provider-node=${repoPath('adapters/lambda-credentials.ts')}` },
    banner: "import { createRequire as __reftrackCreateRequire } from 'node:module'; const require = __reftrackCreateRequire(import.meta.url);",
  },
  environment: {
    REFTRACK_TARGET: 'aws',
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  },
} as const satisfies Partial<nodejs.NodejsFunctionProps>;

export interface ReftrackFunctionProps {
  /** Repository-relative entry file exporting `handler`, e.g. `streams/aggregate.ts`. */
  readonly entry: string;
  /** Powertools service name (logs' `service`, metrics' `service` dimension). */
  readonly serviceName: string;
  /** Variables on top of the shared ones (names from config/config.ts). */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 512 MiB (arm64 CPU scales with memory; the redirect is latency-bound) */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
  readonly description?: string;
  /**
   * Adds the AWS Parameters and Secrets Lambda Extension (a layer) for a function that reads a
   * secret at cold start through it (adapters/secrets-extension.ts) instead of bundling the
   * Secrets Manager client. The function still needs its own grantRead on the secret.
   * @default false
   */
  readonly secretsExtension?: boolean;
  /**
   * Packages left out of the bundle because the Lambda Node.js runtime ships them (its copy of
   * the AWS SDK v3). Only for a function off the guests' path, run at deploy time, where the
   * runtime copy's slower import does not matter and a smaller package does.
   * @default none: everything is bundled, so behaviour does not drift with the runtime's copy
   */
  readonly runtimeProvidedModules?: readonly string[];
  /** Concurrency kept for this function, and its ceiling. @default none (the account's unreserved pool) */
  readonly reservedConcurrentExecutions?: number;
}

/** The extension's layer, its port matching config/config.ts's PARAMETERS_SECRETS_EXTENSION_HTTP_PORT. */
export function secretsExtensionLayer(): lambda.ParamsAndSecretsLayerVersion {
  return lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, {
    httpPort: 2773,
    logLevel: lambda.ParamsAndSecretsLogLevel.WARN,
  });
}

/** A NodejsFunction with FUNCTION_DEFAULTS and its own log group (so retention is set, not infinite). */
export class ReftrackFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ReftrackFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    this.logGroup = logGroup;
    // Its own role instead of AWSLambdaBasicExecutionRole (which may write to any log group):
    // this function writes to its log group only; its data grants are added by its owner.
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grant(role, 'logs:CreateLogStream', 'logs:PutLogEvents');
    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      ...FUNCTION_DEFAULTS,
      bundling: {
        ...FUNCTION_DEFAULTS.bundling,
        mainFields: [...FUNCTION_DEFAULTS.bundling.mainFields],
        ...(props.runtimeProvidedModules ? { externalModules: [...props.runtimeProvidedModules] } : {}),
      },
      entry: repoPath(props.entry),
      handler: 'handler',
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup,
      role,
      ...(props.description ? { description: props.description } : {}),
      ...(props.secretsExtension ? { paramsAndSecrets: secretsExtensionLayer() } : {}),
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      environment: { ...FUNCTION_DEFAULTS.environment, POWERTOOLS_SERVICE_NAME: props.serviceName, ...props.environment },
    });
  }
}
