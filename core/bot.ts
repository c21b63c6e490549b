import { isbot } from 'isbot';

/** Bump when the rules below change, so exported verdicts say which rules made them. */
export const BOT_RULE_VERSION = 1;

export interface BotVerdict {
  readonly isBot: boolean;
  /** `human`, `empty-user-agent`, `prefetch`, `link-preview` or `isbot`. */
  readonly reason: 'human' | 'empty-user-agent' | 'prefetch' | 'link-preview' | 'isbot';
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
}

export function classifyBot({ userAgent, purpose }: BotSignals): BotVerdict {
  const verdict = (isBot: boolean, reason: BotVerdict['reason']): BotVerdict => ({ isBot, reason, ruleVersion: BOT_RULE_VERSION });
  // Speculative loads (Chrome prerender, Firefox prefetch, Safari preview) are not a person choosing the link.
  if (purpose && /prefetch|prerender|preview/i.test(purpose)) return verdict(true, 'prefetch');
  if (!userAgent || userAgent.trim() === '') return verdict(true, 'empty-user-agent');
  if (LINK_PREVIEW.test(userAgent)) return verdict(true, 'link-preview');
  if (isbot(userAgent)) return verdict(true, 'isbot');
  return verdict(false, 'human');
}
