/**
 * Deployment settings from CDK context (`-c name=value` or cdk.json), validated at synth time
 * so a typo fails `cdk synth` with the setting's name instead of a broken deployment.
 * The names of the business settings mirror config/config.ts, and the values end up in the
 * functions' environment under those same variable names.
 */
import * as z from 'zod';
import { isTimeZone } from '../core/business-day.ts';
import { ConfigError } from '../core/errors.ts';
import { parseCidrs } from '../core/internal-traffic.ts';
import { httpsUrl } from '../core/vendor.ts';

/** `-c` values arrive as strings, cdk.json values as JSON: accept both for lists. */
const cidrList = z
  .union([z.string(), z.array(z.string())])
  .default([])
  .transform((v) => (typeof v === 'string' ? v.split(',') : v).map((s) => s.trim()).filter(Boolean))
  .superRefine((list, ctx) => {
    try {
      parseCidrs(list);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

export const DeploymentSettings = z
  .object({
    /** Prefix of the stack names (`Reftrack-Data`, `Reftrack-App`); lets two copies share an account. */
    stackPrefix: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,19}$/, { message: 'up to 20 letters, digits and dashes, starting with a letter (bucket names derive from it)' }).default('Reftrack'),
    /** Alternate domain for CloudFront (e.g. go.example.com); needs certificateArn. */
    domainName: z
      .string()
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { message: 'must be a lower-case DNS name such as go.example.com' })
      .optional(),
    /** ACM certificate for domainName; CloudFront only accepts certificates from us-east-1. */
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/, { message: 'must be an ACM certificate ARN in us-east-1 (CloudFront requires that region)' })
      .optional(),
    destinationUrl: z._default(httpsUrl, 'https://queenofsandiego.com/'),
    fallbackUrl: z._default(httpsUrl, 'https://queenofsandiego.com/'),
    timeZone: z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as America/Los_Angeles' }).default('America/Los_Angeles'),
    utmPreset: z.enum(['ga4', 'seed']).default('ga4'),
    /**
     * Concurrent executions reserved for the redirect, which are also its ceiling: above it Lambda
     * answers 429 and the guest-fallback edge function sends the guest to the fallback. Unset, the
     * redirect shares the account's unreserved concurrency (Lambda keeps 100 of it unreserved, and
     * new accounts may start with less than that in all, so a default reservation could fail the
     * first deployment). Per-client limits are guestRequestsPerMinute's (WAF).
     */
    redirectReservedConcurrency: positiveInt(10_000).optional(),
    /** Requests per minute one client address may send to /ref/* (WAF, at the edge); above it: 302 to the fallback. */
    guestRequestsPerMinute: z.coerce.number().int().min(10).max(100_000).default(100),
    /** The business's own ranges (staff testing links): flagged internal, never paid. */
    internalCidrs: cidrList,
    /**
     * The Kinesis spill stream's capacity mode. `provisioned` (one shard, about $11 a month) takes
     * 1,000 spilled clicks/s, plenty while DynamoDB falters for a small business; `on-demand`
     * (about $29 a month before traffic) scales with any burst.
     */
    spillStreamMode: z.enum(['provisioned', 'on-demand']).default('provisioned'),
    /** Days CloudWatch keeps function and access logs. */
    logRetentionDays: z.coerce.number().int().refine((d) => [7, 14, 30, 60, 90, 180, 365].includes(d), { message: 'one of 7, 14, 30, 60, 90, 180, 365' }).default(30),
    /** Where alarms are sent: an e-mail address subscribed to a new SNS topic (confirm the e-mail AWS sends). */
    alarmEmail: z.email({ message: 'must be an e-mail address such as ops@example.com' }).optional(),
    /** Or an existing SNS topic (e.g. one wired to chat or paging). Both may be given. */
    alarmTopicArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, { message: 'must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:ops' })
      .optional(),
    /**
     * Prefix of the sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`); globally unique per region.
     * @default `<stackPrefix>-<account id>` in lower case
     */
    signInDomainPrefix: z
      .string()
      .regex(/^(?!.*(aws|amazon|cognito))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'lower-case letters, digits and dashes, without "aws", "amazon" or "cognito"' })
      .optional(),
  })
  .refine((s) => (s.domainName === undefined) === (s.certificateArn === undefined), {
    path: ['certificateArn'],
    message: 'domainName and certificateArn go together: give both or neither',
  });
export type DeploymentSettings = z.infer<typeof DeploymentSettings>;

export const SETTING_NAMES = Object.keys(DeploymentSettings.shape) as ReadonlyArray<keyof DeploymentSettings>;

/** Settings that no longer exist, and what replaced them (a stale cdk.json gets this, not "unknown"). */
const RETIRED_SETTINGS: Readonly<Record<string, string>> = {
  throttleRate: 'was the HTTP API limit on /ref/*, which now reaches the redirect through a Lambda function URL: remove it (per-client limit: guestRequestsPerMinute; a ceiling for all guests: redirectReservedConcurrency)',
  throttleBurst: 'was the HTTP API burst on /ref/*, which now reaches the redirect through a Lambda function URL: remove it (per-client limit: guestRequestsPerMinute; a ceiling for all guests: redirectReservedConcurrency)',
};

/**
 * The committed settings file is `cdk.json` (its `context`), which CDK reads on every `cdk`
 * command, so a plain `npx cdk deploy --all` keeps every setting; `-c name=value` overrides it
 * for one run. Its other keys are CDK's own (`@aws-cdk/...` feature flags, `aws:cdk:...`).
 * A key that is neither is a typo that would silently drop a setting: refuse it.
 */
export function checkSettingsFile(context: Readonly<Record<string, unknown>>, file = 'cdk.json'): void {
  const retired = Object.keys(context).filter((key) => key in RETIRED_SETTINGS);
  if (retired.length > 0) throw new ConfigError(`${file}: ${retired.map((k) => `"${k}" ${RETIRED_SETTINGS[k]}`).join('; ')}`);
  const unknown = Object.keys(context).filter((key) => !key.startsWith('@') && !key.startsWith('aws:') && !key.startsWith('cdk-') && !(SETTING_NAMES as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new ConfigError(`${file}: unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} in "context" (known: ${SETTING_NAMES.join(', ')})`);
  }
}

/** Reads each known setting from a context lookup and validates them together. */
export function deploymentSettings(context: (name: string) => unknown): DeploymentSettings {
  const raw = Object.fromEntries(SETTING_NAMES.map((name) => [name, context(name)]).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = DeploymentSettings.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `  -c ${i.path.join('.')}=...: ${i.message}`);
  throw new ConfigError(`invalid deployment context:\n${problems.join('\n')}`);
}
