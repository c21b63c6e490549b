import { isbot } from 'isbot';
import type { FetchMetadata } from './click-event.ts';

/** Bump when the rules below change, so exported verdicts say which rules made them. */
export const BOT_RULE_VERSION = 2;

export interface BotVerdict {
  readonly isBot: boolean;
  /** `human`, `empty-user-agent`, `prefetch`, `link-preview`, `isbot` or `subresource` (v2). */
  readonly reason: 'human' | 'empty-user-agent' | 'prefetch' | 'link-preview' | 'isbot' | 'subresource';
  readonly ruleVersion: number;
}

/**
 * Link-preview fetchers that unfurl a shared link without a person clicking it.
 * Most are in isbot's list too; naming them keeps the verdict stable if isbot changes
 * and lets the reason say "link-preview" instead of a generic "isbot".
 */
const LINK_PREVIEW =
  /slackbot|slack-imgproxy|facebookexternalhit|facebot|twitterbot|whatsapp|telegrambot|discordbot|linkedinbot|skypeuripreview|redditbot|pinterest|vkshare|embedly|iframely|google-pagerenderer|applebot|bitlybot|mastodon|snapchat|viber|line-poker|kakaotalk-scrap|yahoo! slurp|bingpreview/i;

export interface BotSignals {
  readonly userAgent: string | undefined;
  /** `Purpose`, `Sec-Purpose`, `X-Purpose` or `X-Moz` header, whichever came. */
  readonly purpose: string | undefined;
  /** Sec-Fetch-* as sent; undefined or null when the browser sent none (older browsers, some in-app ones). */
  readonly fetch?: FetchMetadata | null | undefined;
}

/**
 * isbot's verdict per user agent. Its pattern is one large regular expression (~10 µs a match,
 * the redirect's largest single cost), while guests' user agents repeat heavily (a few browser
 * versions per platform). At most MAX_REMEMBERED strings are kept; when full it starts over.
 */
const MAX_REMEMBERED = 1_000;
const isbotVerdicts = new Map<string, boolean>();

function isbotCached(userAgent: string): boolean {
  let answer = isbotVerdicts.get(userAgent);
  if (answer === undefined) {
    answer = isbot(userAgent);
    if (isbotVerdicts.size >= MAX_REMEMBERED) isbotVerdicts.clear();
    isbotVerdicts.set(userAgent, answer);
  }
  return answer;
}

function verdict(isBot: boolean, reason: BotVerdict['reason']): BotVerdict {
  return { isBot, reason, ruleVersion: BOT_RULE_VERSION };
}

export function classifyBot({ userAgent, purpose, fetch }: BotSignals): BotVerdict {
  // Speculative loads (Chrome prerender, Firefox prefetch, Safari preview) are not a person choosing the link.
  if (purpose && /prefetch|prerender|preview/i.test(purpose)) return verdict(true, 'prefetch');
  // An <img>, <iframe>, script or no-cors fetch of the link is some page loading it, not a guest
  // choosing it (a hidden pixel on someone else's page). Only a top-level navigation is a visit.
  // No fetch metadata at all is not held against the request: older browsers never send it.
  if (fetch && ((fetch.mode !== null && fetch.mode !== 'navigate') || (fetch.dest !== null && fetch.dest !== 'document'))) return verdict(true, 'subresource');
  if (!userAgent || userAgent.trim() === '') return verdict(true, 'empty-user-agent');
  if (LINK_PREVIEW.test(userAgent)) return verdict(true, 'link-preview');
  if (isbotCached(userAgent)) return verdict(true, 'isbot');
  return verdict(false, 'human');
}
