/**
 * The figures of one scope (all vendors, one vendor, or the vendor's own page) for the chosen
 * period: the picker, headline tiles against the previous period, the daily chart, every
 * breakdown and the daily table. The period lives in the URL (route parameters), so a link
 * opens the same view.
 */
import type { BreakdownDimension } from '../core/breakdown-dimensions.ts';
import { periodFromParams, resolvePeriod, type PeriodChoice, type ResolvedPeriod } from '../core/period.ts';
import { api, businessTimeZone, type BreakdownResponse, type FiguresSource, type RollupsResponse, type VendorsResponse } from './api.ts';
import { dailyChart } from './chart.ts';
import { h } from './dom.ts';
import { businessToday } from './format.ts';
import { periodPicker, rangeText } from './period-picker.ts';
import { breakdownPanel, dailyTable, figureTiles } from './widgets.ts';

export interface FiguresSection {
  readonly picker: HTMLElement;
  readonly tiles: HTMLElement;
  readonly chart: HTMLElement;
  readonly breakdowns: HTMLElement;
  readonly daily: HTMLElement;
  /** Takes the period from route parameters. */
  setParams(params: URLSearchParams): void;
  /** Fetches the chosen period's figures (no DOM work). */
  load(today: string): Promise<LoadedFigures>;
  /** What fills each section with loaded figures, for the page to run in its own order (see placeInOrder). */
  fills(loaded: LoadedFigures): Map<HTMLElement, () => void>;
  destroy(): void;
}

export interface LoadedFigures {
  readonly today: string;
  readonly period: ResolvedPeriod;
  readonly now: RollupsResponse;
  readonly before: RollupsResponse;
  readonly breakdowns: ReadonlyArray<{ readonly now: BreakdownResponse; readonly before: BreakdownResponse }>;
}

export function figuresSection(opts: {
  id: string;
  scopeLabel: string;
  fileScope: string;
  source: FiguresSource;
  onChoose: (choice: PeriodChoice) => void;
  dims?: readonly BreakdownDimension[];
}): FiguresSection {
  let choice: PeriodChoice = { preset: 'last-30' };
  const picker = periodPicker(`${opts.id}-period`, opts.onChoose);
  const tiles = figureTiles(`${opts.scopeLabel}, chosen period`);
  const chart = dailyChart({ id: `${opts.id}-chart`, title: `Daily clicks, ${opts.scopeLabel}` });
  const breakdowns = breakdownPanel({ id: `${opts.id}-breakdowns`, scopeLabel: opts.scopeLabel, fileScope: opts.fileScope, ...(opts.dims ? { dims: opts.dims } : {}) });
  let range = { from: '', to: '' };
  const daily = dailyTable({ id: `${opts.id}-daily`, caption: 'Daily figures', csvName: () => `rollups-${opts.fileScope}-${range.from}-to-${range.to}.csv` });
  const tilesBox = h('section', { class: 'tiles-box', 'aria-label': 'Headline numbers' }, tiles.element);
  const pickerPanel = h('section', { class: 'panel picker-panel', 'aria-label': 'Period' }, picker.element);
  const chartPanel = h('section', { class: 'panel chart-panel' }, chart.element);
  const dailyPanel = h('details', { class: 'panel numbers' }, h('summary', {}, 'Daily figures (table)'), daily.element);
  return {
    picker: pickerPanel,
    tiles: tilesBox,
    chart: chartPanel,
    breakdowns: breakdowns.element,
    daily: dailyPanel,
    setParams(params) {
      choice = periodFromParams(params);
    },
    async load(today) {
      const period = resolvePeriod(choice, today);
      const [now, before, loadedBreakdowns] = await Promise.all([opts.source.rollups({ from: period.from, to: period.to }), opts.source.rollups({ from: period.previous.from, to: period.previous.to }), breakdowns.load(opts.source, period)]);
      return { today, period, now, before, breakdowns: loadedBreakdowns };
    },
    fills({ today, period, now, before, breakdowns: loadedBreakdowns }) {
      return new Map([
        [
          pickerPanel,
          () => {
            picker.show(period.choice, today);
            range = period;
          },
        ],
        [tilesBox, () => tiles.update(now.total, before.total)],
        [
          chartPanel,
          () => {
            chart.setTitle(`Daily clicks, ${opts.scopeLabel}, ${rangeText(period)}`);
            chart.update(now.days);
          },
        ],
        [breakdowns.element, () => breakdowns.update(period, loadedBreakdowns)],
        [
          dailyPanel,
          () => {
            daily.setCaption(`Daily figures, ${opts.scopeLabel}, ${rangeText(period)}`);
            daily.update(now.days, now.total);
          },
        ],
      ]);
    },
    destroy() {
      chart.destroy();
    },
  };
}

/**
 * The vendor list, and the chosen period's figures for the business day it is. With the business
 * zone known (remembered from an earlier answer) both are asked at once; on a first visit the
 * list comes first and teaches the zone. `figures()` gives the loaded figures, loading them
 * (again) only when the list's zone is not the one they were asked for; a page that finds
 * nothing to show (an unknown vendor) never calls it, so nothing more is asked.
 */
export async function vendorsAndFigures(section: Pick<FiguresSection, 'load'>): Promise<{ answer: VendorsResponse; figures(): Promise<LoadedFigures> }> {
  const zone = businessTimeZone();
  let answer: VendorsResponse;
  let loaded: LoadedFigures | undefined;
  if (zone) [answer, loaded] = await Promise.all([api.vendors(), section.load(businessToday(zone))]);
  else answer = await api.vendors();
  return { answer, figures: async () => (loaded && answer.timeZone === zone ? loaded : section.load(businessToday(answer.timeZone))) };
}
