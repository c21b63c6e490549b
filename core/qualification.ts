/**
 * Which clicks are paid: the qualification rules, as a pure function of a SET of clicks.
 *
 * The unit the rules look at is one network of one vendor on one business day (a "unit":
 * vendor × day × networkHash). Everything a rule needs lives inside the unit, because a
 * visitor (HMAC of ip + user agent + day) always belongs to exactly one network (its ip's):
 *   - velocity: a UTC minute in which the network made more than `velocityPerMinute` human
 *     clicks is suspicious; the human clicks of that minute are never paid. Bot verdicts do not
 *     count: they are unpaid anyway, and counting them would let anyone who embeds a link as
 *     an image on pages a vendor's guests visit make those guests' real clicks unpaid;
 *   - a visitor's first human, non-internal, non-suspicious click (lowest clickId) is its
 *     candidate; later ones are repeat visits;
 *   - network cap: of the candidates, the `networkCap` with the lowest clickIds are
 *     qualified; the rest are excluded as `network-cap`. Rotating User-Agents makes new
 *     visitors but not a new network, so it cannot raise the count above the cap.
 * The figures of a vendor-day are the sum over its units. Because the verdicts depend on the
 * set only (never on arrival order), redelivery, late clicks and replays all agree.
 *
 * Events recorded before networks were (no networkHash) are each visitor's own network.
 */
import type { BreakdownInputs } from './breakdown.ts';
import type { ClickEvent } from './click-event.ts';
import { addFigures, ZERO_FIGURES, type RollupFigures } from './rollup-figures.ts';

/** Bump when the logic below changes; settings changes are recorded beside it. */
export const QUALIFICATION_RULE_VERSION = 1;

export interface QualificationRules {
  /** At most this many qualified clicks per network per vendor per business day. */
  readonly networkCap: number;
  /** More than this many clicks of a network in one UTC minute makes that minute suspicious. */
  readonly velocityPerMinute: number;
}

export const DEFAULT_RULES: QualificationRules = Object.freeze({ networkCap: 3, velocityPerMinute: 10 });

/** The outcome of one click; every click has exactly one. */
export type ClickOutcome = 'qualified' | 'bot' | 'subresource' | 'internal' | 'suspicious' | 'network-cap' | 'repeat-visitor';

export const EXCLUSION_REASONS = ['bot', 'subresource', 'internal', 'suspicious', 'network-cap', 'repeat-visitor'] as const satisfies readonly ClickOutcome[];

export interface ClickVerdict {
  readonly clickId: string;
  readonly outcome: ClickOutcome;
  /** The rule that decided it, with its version, so a statement can explain it. */
  readonly rule: string;
}

/** What a click contributes to the rules: a few fields of the ClickEvent. */
export type JudgedClick = Pick<ClickEvent, 'clickId' | 'ts' | 'visitorHash' | 'internal'> & {
  readonly bot: Pick<ClickEvent['bot'], 'isBot' | 'reason'>;
  /** Not used by the rules: what the unit's breakdown figures need of the click (core/breakdown.ts). */
  readonly dims?: BreakdownInputs;
};

export function networkOfEvent(e: Pick<ClickEvent, 'networkHash' | 'visitorHash'>): string {
  return e.networkHash ?? `visitor:${e.visitorHash}`;
}

/** vendor × day × network: the unit the rules are applied to. */
export function unitId(e: Pick<ClickEvent, 'vendorCode' | 'day' | 'networkHash' | 'visitorHash'>): string {
  return `${e.vendorCode}#${e.day}#${networkOfEvent(e)}`;
}

export function ruleLabel(rules: QualificationRules): string {
  return `qualification v${QUALIFICATION_RULE_VERSION} (cap ${rules.networkCap}/network/day, velocity ${rules.velocityPerMinute}/min)`;
}

const byClickId = (a: JudgedClick, b: JudgedClick) => (a.clickId < b.clickId ? -1 : a.clickId > b.clickId ? 1 : 0);

/**
 * Judges the clicks of ONE unit (duplicates by clickId are ignored). Pure and order-free.
 */
export function judgeUnit(clicks: readonly JudgedClick[], rules: QualificationRules): { verdicts: ClickVerdict[]; figures: RollupFigures } {
  const unique = [...new Map(clicks.map((c) => [c.clickId, c])).values()].sort(byClickId);
  const perMinute = new Map<string, number>();
  for (const c of unique) if (!c.bot.isBot) perMinute.set(minuteOf(c.ts), (perMinute.get(minuteOf(c.ts)) ?? 0) + 1);

  const v = `v${QUALIFICATION_RULE_VERSION}`;
  const outcomes = new Map<string, { outcome: ClickOutcome; rule: string }>();
  const candidates: JudgedClick[] = [];
  const visitorsWithCandidate = new Set<string>();
  for (const c of unique) {
    if (c.bot.isBot) outcomes.set(c.clickId, c.bot.reason === 'subresource' ? { outcome: 'subresource', rule: `bot:${c.bot.reason}` } : { outcome: 'bot', rule: `bot:${c.bot.reason}` });
    else if (c.internal) outcomes.set(c.clickId, { outcome: 'internal', rule: `internal-network ${v}` });
    else if ((perMinute.get(minuteOf(c.ts)) ?? 0) > rules.velocityPerMinute) outcomes.set(c.clickId, { outcome: 'suspicious', rule: `velocity>${rules.velocityPerMinute}/min ${v}` });
    else if (visitorsWithCandidate.has(c.visitorHash)) outcomes.set(c.clickId, { outcome: 'repeat-visitor', rule: `first-click-per-visitor ${v}` });
    else {
      visitorsWithCandidate.add(c.visitorHash);
      candidates.push(c);
    }
  }
  candidates.forEach((c, i) =>
    outcomes.set(c.clickId, i < rules.networkCap ? { outcome: 'qualified', rule: `first-click-per-visitor ${v}` } : { outcome: 'network-cap', rule: `network-cap ${rules.networkCap}/day ${v}` }),
  );

  let figures = ZERO_FIGURES;
  const visitors = new Set<string>();
  const verdicts: ClickVerdict[] = [];
  for (const c of unique) {
    const { outcome, rule } = outcomes.get(c.clickId)!;
    verdicts.push({ clickId: c.clickId, outcome, rule });
    visitors.add(c.visitorHash);
    figures = addFigures(figures, {
      ...ZERO_FIGURES,
      clicks: 1,
      botClicks: c.bot.isBot ? 1 : 0,
      humanClicks: c.bot.isBot ? 0 : 1,
      qualifiedClicks: outcome === 'qualified' ? 1 : 0,
      subresourceClicks: outcome === 'subresource' ? 1 : 0,
      internalClicks: outcome === 'internal' ? 1 : 0,
      suspiciousClicks: outcome === 'suspicious' ? 1 : 0,
      networkCapClicks: outcome === 'network-cap' ? 1 : 0,
      repeatVisitorClicks: outcome === 'repeat-visitor' ? 1 : 0,
      firstClickAt: c.ts,
      lastClickAt: c.ts,
    });
  }
  return { verdicts, figures: { ...figures, uniqueVisitors: visitors.size } };
}

/** `YYYY-MM-DDTHH:MM` of an ISO UTC timestamp. */
function minuteOf(ts: string): string {
  return ts.slice(0, 16);
}

/** Groups any clicks into their units (duplicates by clickId dropped). */
export function groupByUnit<E extends Pick<ClickEvent, 'clickId' | 'vendorCode' | 'day' | 'networkHash' | 'visitorHash'>>(events: readonly E[]): Map<string, E[]> {
  const units = new Map<string, E[]>();
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.clickId)) continue;
    seen.add(e.clickId);
    const id = unitId(e);
    const list = units.get(id);
    if (list) list.push(e);
    else units.set(id, [e]);
  }
  return units;
}

/** Every click judged (any vendors and days): what payouts and verify use. */
export function judgeAll(events: readonly ClickEvent[], rules: QualificationRules): Map<string, ClickVerdict> {
  const out = new Map<string, ClickVerdict>();
  for (const unit of groupByUnit(events).values()) for (const v of judgeUnit(unit, rules).verdicts) out.set(v.clickId, v);
  return out;
}
