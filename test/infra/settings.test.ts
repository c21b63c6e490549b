import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { deploymentSettings } from '../../infra/settings.ts';
import { buildTestApp } from './build.ts';

const from = (context: Record<string, unknown>) => deploymentSettings((name) => context[name]);
const problem = (context: Record<string, unknown>): string => {
  try {
    from(context);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the settings to be refused');
};

describe('deployment context', () => {
  it('has working defaults, so `npm run synth` needs no context', () => {
    expect(from({})).toMatchObject({
      stackPrefix: 'Reftrack',
      destinationUrl: 'https://queenofsandiego.com/',
      timeZone: 'America/Los_Angeles',
      utmPreset: 'ga4',
      internalCidrs: [],
      guestRequestsPerMinute: 100,
    });
    // No reservation unless asked: a new account's concurrency may be too small to reserve any.
    expect(from({}).redirectReservedConcurrency).toBeUndefined();
  });

  it('accepts -c strings and cdk.json JSON alike', () => {
    expect(from({ redirectReservedConcurrency: '40', internalCidrs: '10.0.0.0/8, 2001:db8::/32' })).toMatchObject({ redirectReservedConcurrency: 40, internalCidrs: ['10.0.0.0/8', '2001:db8::/32'] });
    expect(from({ redirectReservedConcurrency: 40, internalCidrs: ['10.0.0.0/8'] })).toMatchObject({ redirectReservedConcurrency: 40, internalCidrs: ['10.0.0.0/8'] });
  });

  it('names each bad setting with what it must be', () => {
    expect(problem({ timeZone: 'Pacific/Atlantis' })).toMatch(/-c timeZone=\.\.\.: must be an IANA time zone/);
    expect(problem({ destinationUrl: 'http://example.com/' })).toMatch(/-c destinationUrl=\.\.\.: must be an https:\/\/ URL/);
    expect(problem({ internalCidrs: '10.0.0.0/8,not-a-range' })).toMatch(/-c internalCidrs=\.\.\.: "not-a-range" is not a CIDR range/);
    expect(problem({ redirectReservedConcurrency: 'fast' })).toMatch(/-c redirectReservedConcurrency=/);
    expect(problem({ redirectReservedConcurrency: '0' })).toMatch(/-c redirectReservedConcurrency=/);
    expect(problem({ utmPreset: 'utm' })).toMatch(/-c utmPreset=/);
    expect(problem({ certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' })).toMatch(/us-east-1/);
    // WAF's rate-based rules count at least 10 requests per window.
    expect(problem({ guestRequestsPerMinute: '5' })).toMatch(/-c guestRequestsPerMinute=/);
    expect(problem({ destinationUrl: 'https://user:pass@queenofsandiego.com/' })).toMatch(/-c destinationUrl=\.\.\.: must not contain a user name or password/);
  });

  it('refuses a domain without a certificate (and the reverse)', () => {
    expect(problem({ domainName: 'go.example.com' })).toMatch(/domainName and certificateArn go together/);
    expect(problem({ certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' })).toMatch(/go together/);
  });

  it('reports every problem at once', () => {
    const message = problem({ timeZone: 'nowhere', fallbackUrl: 'ftp://x', guestRequestsPerMinute: '0' });
    expect(message.split('\n').filter((l) => l.startsWith('  -c '))).toHaveLength(3);
  });

  it('fails the synth itself, before any stack exists', () => {
    expect(() => buildTestApp({ timeZone: 'Mars/Olympus' })).toThrow(ConfigError);
  });
});
