import { describe, expect, it } from 'vitest';
import { classifyBot } from '../../core/bot.ts';

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
    expect(classifyBot({ userAgent, purpose: undefined })).toEqual({ isBot: true, reason, ruleVersion: 1 });
  });

  it.each([['Chrome', CHROME], ['iPhone Safari', IPHONE_SAFARI]])('%s is a person', (_name, userAgent) => {
    expect(classifyBot({ userAgent, purpose: undefined })).toEqual({ isBot: false, reason: 'human', ruleVersion: 1 });
  });

  it('a prefetch by a real browser is not a click', () => {
    expect(classifyBot({ userAgent: CHROME, purpose: 'prefetch' }).reason).toBe('prefetch');
    expect(classifyBot({ userAgent: CHROME, purpose: 'prefetch;prerender' }).isBot).toBe(true);
  });
});
