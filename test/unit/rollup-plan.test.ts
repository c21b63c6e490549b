/**
 * core/rollup.ts figure by figure: what a plan writes and adds, what a recount, a shard sum and
 * a zero-filled range hold, each compared whole against hand-counted values (the property
 * test in rollup.test.ts proves incremental = recount; these pin down what both say).
 */
import { describe, expect, it } from 'vitest';
import type { BusinessDay } from '../../core/business-day.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { DEFAULT_RULES } from '../../core/qualification.ts';
import {
  ALL_VENDORS, breakdownOfClicks, countsAreZero, figuresOfClicks, judgedClick, planUnits, projectionId, recount, sumDays, sumShards, zeroFilledDays, ZERO_FIGURES,
  type DailyRollup, type RollupFigures, type StoredUnit,
} from '../../core/rollup.ts';
import { click } from '../support/click-events.ts';

const rules = DEFAULT_RULES;
const at = (hhmm: string) => `2026-11-10T${hhmm}:00.000Z`;
const DAY = '2026-11-10' as BusinessDay;
const byVendorDay = (e: ClickEvent) => `${e.vendorCode}|${e.day}`;
/** Figures with every count 0 and no window, but those given. */
const figures = (over: Partial<RollupFigures>): RollupFigures => ({
  clicks: 0, botClicks: 0, humanClicks: 0, uniqueVisitors: 0, qualifiedClicks: 0, subresourceClicks: 0, internalClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 0,
  bookings: 0, bookingValueCents: 0, firstClickAt: null, lastClickAt: null, ...over,
});
const unitOf = (e: ClickEvent) => `${e.vendorCode}#${e.day}#${e.networkHash}`;
const counts = (entries: Record<string, Record<string, [number, number]>>) =>
  new Map(Object.entries(entries).map(([dim, values]) => [dim, new Map(Object.entries(values).map(([v, [c, q]]) => [v, { clicks: c, qualifiedClicks: q }]))]));

describe('judgedClick', () => {
  it('keeps what the rules and the breakdowns need of a click, and nothing else', () => {
    const e = click({ vendor: 'solare', visitor: 'ann', network: '198.51.100.1', at: at('18:00'), placement: 'qr', refererHost: 'l.instagram.com', country: 'MX', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile' });
    expect(judgedClick(e)).toEqual({
      clickId: e.clickId, ts: at('18:00'), visitorHash: e.visitorHash, internal: false, bot: { isBot: false, reason: 'human' },
      dims: { placement: 'qr', referrer: 'l.instagram.com', country: 'MX', device: 'phone' },
    });
  });
});

describe('planUnits', () => {
  // solare, one network: ann twice (paid once, then a repeat); another network: a bot. puesto: a staff click.
  const events = () => {
    const ann = click({ vendor: 'solare', visitor: 'ann', network: '198.51.100.1', at: at('18:00') });
    const annAgain = click({ vendor: 'solare', visitor: 'ann', network: '198.51.100.1', at: at('18:05') });
    const bot = click({ vendor: 'solare', visitor: 'bot', network: '198.51.100.2', at: at('18:10'), bot: true });
    const staff = click({ vendor: 'puesto', visitor: 'sam', network: '198.51.100.3', at: at('19:00'), internal: true });
    return { ann, annAgain, bot, staff };
  };

  it('into an empty store: one write per unit, one delta per projection item summing its units', () => {
    const { ann, annAgain, bot, staff } = events();
    const plan = planUnits([ann, bot, annAgain, staff], new Map(), rules, byVendorDay);
    const judged = (e: ClickEvent) => ({ clickId: e.clickId, ts: e.ts, visitorHash: e.visitorHash, internal: e.internal, bot: { isBot: e.bot.isBot, reason: e.bot.reason }, dims: { placement: 'link', referrer: '(direct)', country: 'US', device: e.bot.isBot ? 'bot' : 'desktop' } });
    expect(plan).toEqual({
      writes: [
        {
          unit: unitOf(ann), vendorCode: 'solare', day: DAY, network: ann.networkHash, projection: 'solare|2026-11-10', clicks: [judged(ann), judged(annAgain)],
          figures: figures({ clicks: 2, humanClicks: 2, uniqueVisitors: 1, qualifiedClicks: 1, repeatVisitorClicks: 1, firstClickAt: at('18:00'), lastClickAt: at('18:05') }), expectedVersion: 0,
        },
        {
          unit: unitOf(bot), vendorCode: 'solare', day: DAY, network: bot.networkHash, projection: 'solare|2026-11-10', clicks: [judged(bot)],
          figures: figures({ clicks: 1, botClicks: 1, uniqueVisitors: 1, firstClickAt: at('18:10'), lastClickAt: at('18:10') }), expectedVersion: 0,
        },
        {
          unit: unitOf(staff), vendorCode: 'puesto', day: DAY, network: staff.networkHash, projection: 'puesto|2026-11-10', clicks: [judged(staff)],
          figures: figures({ clicks: 1, humanClicks: 1, uniqueVisitors: 1, internalClicks: 1, firstClickAt: at('19:00'), lastClickAt: at('19:00') }), expectedVersion: 0,
        },
      ],
      deltas: [
        {
          projection: 'solare|2026-11-10', vendorCode: 'solare', day: DAY,
          delta: figures({ clicks: 3, botClicks: 1, humanClicks: 2, uniqueVisitors: 2, qualifiedClicks: 1, repeatVisitorClicks: 1, firstClickAt: at('18:00'), lastClickAt: at('18:10') }),
          breakdown: counts({
            placement: { link: [3, 1] }, referrer: { '(direct)': [3, 1] }, country: { US: [3, 1] }, device: { desktop: [2, 1], bot: [1, 0] },
            reason: { qualified: [1, 1], 'repeat-visitor': [1, 0], bot: [1, 0] },
          }),
        },
        {
          projection: 'puesto|2026-11-10', vendorCode: 'puesto', day: DAY,
          delta: figures({ clicks: 1, humanClicks: 1, uniqueVisitors: 1, internalClicks: 1, firstClickAt: at('19:00'), lastClickAt: at('19:00') }),
          breakdown: counts({ placement: { link: [1, 0] }, referrer: { '(direct)': [1, 0] }, country: { US: [1, 0] }, device: { desktop: [1, 0] }, reason: { internal: [1, 0] } }),
        },
      ],
      applied: 4,
      duplicates: 0,
    });
  });

  it('onto a stored unit: only the new clicks are applied, the write is conditional on the version read, the delta is the difference', () => {
    const { ann, annAgain } = events();
    const bea = click({ vendor: 'solare', visitor: 'bea', network: '198.51.100.1', at: at('18:20') });
    const stored: StoredUnit = {
      clicks: [judgedClick(ann)],
      figures: figures({ clicks: 1, humanClicks: 1, uniqueVisitors: 1, qualifiedClicks: 1, firstClickAt: at('18:00'), lastClickAt: at('18:00') }),
      version: 4,
    };
    const plan = planUnits([ann, annAgain, bea], new Map([[unitOf(ann), stored]]), rules, byVendorDay);
    expect(plan.applied).toBe(2);
    expect(plan.duplicates).toBe(1);
    expect(plan.writes.map((w) => [w.unit, w.clicks.map((c) => c.clickId), w.expectedVersion])).toEqual([[unitOf(ann), [ann.clickId, annAgain.clickId, bea.clickId], 4]]);
    expect(plan.writes[0]!.figures).toEqual(figures({ clicks: 3, humanClicks: 3, uniqueVisitors: 2, qualifiedClicks: 2, repeatVisitorClicks: 1, firstClickAt: at('18:00'), lastClickAt: at('18:20') }));
    expect(plan.deltas).toEqual([
      {
        projection: 'solare|2026-11-10', vendorCode: 'solare', day: DAY,
        // What to ADD to the item: the two new clicks; the window is the unit's whole window.
        delta: figures({ clicks: 2, humanClicks: 2, uniqueVisitors: 1, qualifiedClicks: 1, repeatVisitorClicks: 1, firstClickAt: at('18:00'), lastClickAt: at('18:20') }),
        breakdown: counts({ placement: { link: [2, 1] }, referrer: { '(direct)': [2, 1] }, country: { US: [2, 1] }, device: { desktop: [2, 1] }, reason: { qualified: [1, 1], 'repeat-visitor': [1, 0] } }),
      },
    ]);
  });

  it('a unit re-judged under a lower network cap is rewritten with no new click: a paid click moves to the network-cap column', () => {
    const guests = ['a', 'b', 'c', 'd'].map((visitor, i) => click({ vendor: 'solare', visitor, network: '198.51.100.1', at: at(`18:0${i}`) }));
    const stored: StoredUnit = {
      clicks: guests.map(judgedClick),
      figures: figures({ clicks: 4, humanClicks: 4, uniqueVisitors: 4, qualifiedClicks: 4, firstClickAt: at('18:00'), lastClickAt: at('18:03') }),
      version: 2,
    };
    const plan = planUnits(guests, new Map([[unitOf(guests[0]!), stored]]), { networkCap: 3, velocityPerMinute: 10 }, byVendorDay);
    expect([plan.applied, plan.duplicates, plan.writes.length, plan.writes[0]!.expectedVersion]).toEqual([0, 4, 1, 2]);
    expect(plan.writes[0]!.figures).toEqual(figures({ clicks: 4, humanClicks: 4, uniqueVisitors: 4, qualifiedClicks: 3, networkCapClicks: 1, firstClickAt: at('18:00'), lastClickAt: at('18:03') }));
    expect(plan.deltas.map(({ breakdown: _, ...d }) => d)).toEqual([
      { projection: 'solare|2026-11-10', vendorCode: 'solare', day: DAY, delta: figures({ qualifiedClicks: -1, networkCapClicks: 1, firstClickAt: at('18:00'), lastClickAt: at('18:03') }) },
    ]);
  });

  it('re-judged under a lower cap, the breakdown moves with the figures: what the old rules added is taken back', () => {
    const guests = ['a', 'b', 'c', 'd'].map((visitor, i) => click({ vendor: 'solare', visitor, network: '198.51.100.1', at: at(`18:0${i}`) }));
    // Judged when NETWORK_CAP was 4: all four paid, and the breakdown counted four qualified.
    const stored: StoredUnit = {
      clicks: guests.map(judgedClick),
      figures: figures({ clicks: 4, humanClicks: 4, uniqueVisitors: 4, qualifiedClicks: 4, firstClickAt: at('18:00'), lastClickAt: at('18:03') }),
      version: 2,
      rules: { networkCap: 4, velocityPerMinute: 10 },
    };
    const plan = planUnits(guests, new Map([[unitOf(guests[0]!), stored]]), { networkCap: 3, velocityPerMinute: 10 }, byVendorDay);
    expect(plan.deltas.map((d) => d.breakdown)).toEqual([
      counts({ placement: { link: [0, -1] }, referrer: { '(direct)': [0, -1] }, country: { US: [0, -1] }, device: { desktop: [0, -1] }, reason: { qualified: [-1, -1], 'network-cap': [1, 0] } }),
    ]);
  });

  it('a redelivery under the same rules plans nothing; the same clicks under new rules are re-judged', () => {
    const { ann, annAgain } = events();
    const stored: StoredUnit = {
      clicks: [judgedClick(ann), judgedClick(annAgain)],
      figures: figures({ clicks: 2, humanClicks: 2, uniqueVisitors: 1, qualifiedClicks: 1, repeatVisitorClicks: 1, firstClickAt: at('18:00'), lastClickAt: at('18:05') }),
      version: 1,
    };
    expect(planUnits([annAgain, ann], new Map([[unitOf(ann), stored]]), rules, byVendorDay)).toEqual({ writes: [], deltas: [], applied: 0, duplicates: 2 });
    // Velocity 0: both human clicks are suspicious now.
    const strict = planUnits([ann], new Map([[unitOf(ann), stored]]), { networkCap: 3, velocityPerMinute: 0 }, byVendorDay);
    expect(strict.deltas.map((d) => d.delta)).toEqual([figures({ qualifiedClicks: -1, repeatVisitorClicks: -1, suspiciousClicks: 2, firstClickAt: at('18:00'), lastClickAt: at('18:05') })]);
    expect(strict.writes.map((w) => w.clicks.length)).toEqual([2]);
  });
});

describe('figures and breakdown of any clicks', () => {
  const clicks = () => [
    click({ vendor: 'solare', visitor: 'ann', network: '198.51.100.1', at: at('18:00') }),
    click({ vendor: 'solare', visitor: 'ann', network: '198.51.100.1', at: at('18:01') }),
    click({ vendor: 'solare', visitor: 'bob', network: '198.51.100.2', at: at('17:30'), country: null }),
  ];

  it('figuresOfClicks sums the units, each judged on its own', () => {
    const events = clicks();
    expect(figuresOfClicks([...events, events[0]!], rules)).toEqual(figures({ clicks: 3, humanClicks: 3, uniqueVisitors: 2, qualifiedClicks: 2, repeatVisitorClicks: 1, firstClickAt: at('17:30'), lastClickAt: at('18:01') }));
    expect(figuresOfClicks([], rules)).toEqual(ZERO_FIGURES);
  });

  it('breakdownOfClicks sums the units, uncapped', () => {
    expect(breakdownOfClicks(clicks(), rules)).toEqual(
      counts({ placement: { link: [3, 2] }, referrer: { '(direct)': [3, 2] }, country: { US: [2, 1], '(unknown)': [1, 1] }, device: { desktop: [3, 2] }, reason: { qualified: [2, 2], 'repeat-visitor': [1, 0] } }),
    );
    expect(breakdownOfClicks([], rules)).toEqual(new Map());
  });
});

describe('recount', () => {
  it('every vendor-day, each vendor TOTAL, and the all-vendors days and TOTAL, whole', () => {
    const a = click({ vendor: 'solare', visitor: 'ann', network: '198.51.100.1', at: at('18:00') });
    const b = click({ vendor: 'solare', visitor: 'bob', network: '198.51.100.2', at: '2026-11-11T18:00:00.000Z' });
    const c = click({ vendor: 'puesto', visitor: 'cat', network: '198.51.100.1', at: at('19:00'), bot: true });
    const one = (ts: string, over: Partial<RollupFigures> = {}) => figures({ clicks: 1, humanClicks: 1, uniqueVisitors: 1, qualifiedClicks: 1, firstClickAt: ts, lastClickAt: ts, ...over });
    const botOne = one(at('19:00'), { humanClicks: 0, botClicks: 1, qualifiedClicks: 0 });
    expect(recount([a, b, c, a], rules)).toEqual(
      new Map([
        ['solare|2026-11-10', { scope: 'solare', period: '2026-11-10', ...one(at('18:00')) }],
        ['solare|TOTAL', { scope: 'solare', period: 'TOTAL', ...one(at('18:00'), { clicks: 2, humanClicks: 2, uniqueVisitors: 2, qualifiedClicks: 2, lastClickAt: '2026-11-11T18:00:00.000Z' }) }],
        ['*|2026-11-10', { scope: '*', period: '2026-11-10', ...figures({ clicks: 2, botClicks: 1, humanClicks: 1, uniqueVisitors: 2, qualifiedClicks: 1, firstClickAt: at('18:00'), lastClickAt: at('19:00') }) }],
        ['*|TOTAL', { scope: '*', period: 'TOTAL', ...figures({ clicks: 3, botClicks: 1, humanClicks: 2, uniqueVisitors: 3, qualifiedClicks: 2, firstClickAt: at('18:00'), lastClickAt: '2026-11-11T18:00:00.000Z' }) }],
        ['solare|2026-11-11', { scope: 'solare', period: '2026-11-11', ...one('2026-11-11T18:00:00.000Z') }],
        ['*|2026-11-11', { scope: '*', period: '2026-11-11', ...one('2026-11-11T18:00:00.000Z') }],
        ['puesto|2026-11-10', { scope: 'puesto', period: '2026-11-10', ...botOne }],
        ['puesto|TOTAL', { scope: 'puesto', period: 'TOTAL', ...botOne }],
      ]),
    );
    expect(recount([], rules)).toEqual(new Map());
  });
});

describe('sums on read', () => {
  const shard = (over: Partial<RollupFigures>) => ({ ...figures(over), pk: 'stored-item-key', shard: 3 });

  it('sumShards: the shards of a vendor-day added, the window widened, nothing else of the items kept', () => {
    const shards = [
      shard({ clicks: 2, humanClicks: 2, uniqueVisitors: 2, qualifiedClicks: 1, repeatVisitorClicks: 1, firstClickAt: at('18:00'), lastClickAt: at('18:30') }),
      shard({ clicks: 1, botClicks: 1, uniqueVisitors: 1, bookings: 1, bookingValueCents: 5000, firstClickAt: at('17:00'), lastClickAt: at('17:00') }),
    ];
    expect(sumShards('solare' as never, DAY, shards)).toEqual({
      scope: 'solare', day: DAY, ...figures({ clicks: 3, botClicks: 1, humanClicks: 2, uniqueVisitors: 3, qualifiedClicks: 1, repeatVisitorClicks: 1, bookings: 1, bookingValueCents: 5000, firstClickAt: at('17:00'), lastClickAt: at('18:30') }),
    });
    expect(sumShards(ALL_VENDORS, DAY, [])).toEqual({ scope: '*', day: DAY, ...ZERO_FIGURES });
  });

  it('zeroFilledDays: every day of the range under the asked scope, rows of one day added, zeros between', () => {
    const row = (day: string, over: Partial<RollupFigures>): DailyRollup => ({ scope: 'puesto' as never, day: day as BusinessDay, ...figures(over) });
    const found = [row('2026-11-02', { clicks: 3, firstClickAt: '2026-11-02T10:00:00.000Z', lastClickAt: '2026-11-02T11:00:00.000Z' }), row('2026-11-04', { clicks: 1 }), row('2026-11-02', { clicks: 1, firstClickAt: '2026-11-02T09:00:00.000Z' })];
    expect(zeroFilledDays('solare' as never, '2026-11-01' as BusinessDay, '2026-11-04' as BusinessDay, found)).toEqual([
      { scope: 'solare', day: '2026-11-01', ...ZERO_FIGURES },
      { scope: 'solare', day: '2026-11-02', ...figures({ clicks: 4, firstClickAt: '2026-11-02T09:00:00.000Z', lastClickAt: '2026-11-02T11:00:00.000Z' }) },
      { scope: 'solare', day: '2026-11-03', ...ZERO_FIGURES },
      { scope: 'solare', day: '2026-11-04', ...figures({ clicks: 1 }) },
    ]);
  });

  it('sumDays: the total row of some days', () => {
    const days: DailyRollup[] = [
      { scope: 'solare' as never, day: DAY, ...figures({ clicks: 2, qualifiedClicks: 1, lastClickAt: at('18:00') }) },
      { scope: 'solare' as never, day: '2026-11-11' as BusinessDay, ...figures({ clicks: 5, qualifiedClicks: 2, bookingValueCents: -300, firstClickAt: '2026-11-11T01:00:00.000Z', lastClickAt: '2026-11-11T02:00:00.000Z' }) },
    ];
    expect(sumDays('solare' as never, days)).toEqual({ scope: 'solare', ...figures({ clicks: 7, qualifiedClicks: 3, bookingValueCents: -300, firstClickAt: '2026-11-11T01:00:00.000Z', lastClickAt: '2026-11-11T02:00:00.000Z' }) });
    expect(sumDays(ALL_VENDORS, [])).toEqual({ scope: '*', ...ZERO_FIGURES });
  });

  it('projection ids and zero counts', () => {
    expect([projectionId('solare' as never, DAY), projectionId(ALL_VENDORS, 'TOTAL')]).toEqual(['solare|2026-11-10', '*|TOTAL']);
    expect([countsAreZero(ZERO_FIGURES), countsAreZero(figures({ firstClickAt: at('18:00') })), countsAreZero(figures({ bookings: -1 }))]).toEqual([true, true, false]);
  });
});
