import { describe, expect, it } from 'vitest';
import { outreachConfig } from '../../config/config.ts';
import { ConfigError } from '../../core/errors.ts';

describe('outreachConfig()', () => {
  it('defaults to this machine: links on http://localhost:<PORT>, QR images from the app itself', () => {
    expect(outreachConfig({})).toEqual({
      PUBLIC_BASE_URL: 'http://localhost:3000',
      OUTREACH_QR_BASE_URL: 'http://localhost:3000/outreach/qr',
      OUTREACH_BRAND_NAME: 'Queen of San Diego',
      ASSETS_BUCKET: 'reftrack-assets',
    });
    expect(outreachConfig({ PORT: '3105' }).PUBLIC_BASE_URL).toBe('http://localhost:3105');
  });

  it('strips trailing slashes and takes an explicit QR image location', () => {
    const cfg = outreachConfig({ PUBLIC_BASE_URL: 'https://ref.example.com/', OUTREACH_QR_BASE_URL: 'https://assets.example.com/vendor-referral/qr/' });
    expect(cfg.PUBLIC_BASE_URL).toBe('https://ref.example.com');
    expect(cfg.OUTREACH_QR_BASE_URL).toBe('https://assets.example.com/vendor-referral/qr');
  });

  it('fails fast, naming the variable', () => {
    expect(() => outreachConfig({ PUBLIC_BASE_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => outreachConfig({ PUBLIC_BASE_URL: 'ftp://example.com' })).toThrow(/PUBLIC_BASE_URL: must be an http\(s\):\/\/ URL/);
    expect(() => outreachConfig({ ASSETS_BUCKET: 'Not_A_Bucket' })).toThrow(/ASSETS_BUCKET/);
    expect(() => outreachConfig({ REFTRACK_TARGET: 'aws' })).toThrow('PUBLIC_BASE_URL: required when REFTRACK_TARGET=aws');
    // In AWS the published assets' bucket must be named too (the Reftrack-Data output AssetsBucketName).
    expect(() => outreachConfig({ REFTRACK_TARGET: 'aws', PUBLIC_BASE_URL: 'https://ref.example.com' })).toThrow(/ASSETS_BUCKET: required when REFTRACK_TARGET=aws/);
    expect(outreachConfig({ REFTRACK_TARGET: 'aws', PUBLIC_BASE_URL: 'https://ref.example.com', ASSETS_BUCKET: 'reftrack-assets-123' }).PUBLIC_BASE_URL).toBe('https://ref.example.com');
  });
});
