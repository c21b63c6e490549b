import { describe, expect, it } from 'vitest';
import { BOT_RULE_VERSION, classifyBot } from '../../core/bot.ts';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE_SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

describe('classifyBot', () => {
  it.each([
    ['curl', 'curl/8.5.0', 'isbot'],
    ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'isbot'],
    ['Slackbot', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'link-preview'],
    ['facebookexternalhit', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'link-preview'],
    ['Twitterbot', 'Twitterbot/1.0', 'link-preview'],
    ['WhatsApp', 'WhatsApp/2.23.20.0', 'link-preview'],
    ['empty', '', 'empty-user-agent'],
  ])('%s is a bot (%s)', (_name, userAgent, reason) => {
    expect(classifyBot({ userAgent, purpose: undefined })).toEqual({ isBot: true, reason, ruleVersion: BOT_RULE_VERSION });
  });

  it.each([['Chrome', CHROME], ['iPhone Safari', IPHONE_SAFARI]])('%s is a person', (_name, userAgent) => {
    expect(classifyBot({ userAgent, purpose: undefined })).toEqual({ isBot: false, reason: 'human', ruleVersion: BOT_RULE_VERSION });
  });

  it('a prefetch by a real browser is not a click', () => {
    expect(classifyBot({ userAgent: CHROME, purpose: 'prefetch' }).reason).toBe('prefetch');
    expect(classifyBot({ userAgent: CHROME, purpose: 'prefetch;prerender' }).isBot).toBe(true);
  });
});

describe('fetch metadata (bot rule version 2)', () => {
  const meta = (mode: string | null, dest: string | null, site: string | null = 'cross-site', user = false) => ({ mode, dest, site, user });

  it.each([
    ['an <img> pixel', meta('no-cors', 'image')],
    ['an <iframe>', meta('navigate', 'iframe')],
    ['a <script>', meta('no-cors', 'script')],
    ['a cors fetch()', meta('cors', 'empty')],
    ['a no-cors fetch()', meta('no-cors', 'empty')],
    ['an <embed>', meta('navigate', 'embed')],
  ])('%s is a subresource, never a paid click', (_name, fetch) => {
    expect(classifyBot({ userAgent: CHROME, purpose: undefined, fetch })).toEqual({ isBot: true, reason: 'subresource', ruleVersion: 2 });
  });

  it.each([
    ['a tapped link', meta('navigate', 'document', 'cross-site', true)],
    ['a QR scan opened in the browser', meta('navigate', 'document', 'none', false)],
    ['a navigation that sent only the mode', meta('navigate', null, null)],
  ])('%s is a person', (_name, fetch) => {
    expect(classifyBot({ userAgent: CHROME, purpose: undefined, fetch })).toEqual({ isBot: false, reason: 'human', ruleVersion: 2 });
  });

  it('a browser that sends no fetch metadata is not rejected for that alone', () => {
    expect(classifyBot({ userAgent: IPHONE_SAFARI, purpose: undefined, fetch: null }).reason).toBe('human');
    expect(classifyBot({ userAgent: IPHONE_SAFARI, purpose: undefined }).reason).toBe('human');
  });

  it('a bot user agent loading a pixel is still a subresource (the more specific reason wins)', () => {
    expect(classifyBot({ userAgent: 'curl/8.5.0', purpose: undefined, fetch: meta('no-cors', 'image') }).reason).toBe('subresource');
  });
});
