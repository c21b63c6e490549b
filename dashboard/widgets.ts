/** Pieces the pages share: the live announcer, figure tiles with their comparison, the daily table, breakdowns. */
import { BREAKDOWN_DIMENSIONS, DIMENSION_LABELS, type BreakdownDimension } from '../core/breakdown-dimensions.ts';
import { formatChange, percentChange, type ResolvedPeriod } from '../core/period.ts';
import { COUNT_COLUMNS, FIGURE_LABELS } from '../core/figure-columns.ts';
import type { BreakdownResponse, DayFigures, Figures, FiguresSource } from './api.ts';
import { dataTable, type Column } from './data-table.ts';
import { byId, h, setText } from './dom.ts';
import { count, prettyDay } from './format.ts';
import { rangeText } from './period-picker.ts';

/** Says something once through the polite live region (new clicks, a card moved). */
export function announce(message: string): void {
  const region = byId('announcer');
  // Clearing first makes a repeated identical message be read again.
  region.textContent = '';
  window.setTimeout(() => (region.textContent = message), 50);
}

/** Marks a value that just changed, briefly (CSS animation), without moving focus. */
export function flash(el: Element): void {
  el.classList.remove('bumped');
  void (el as HTMLElement).offsetWidth; // restart the animation
  el.classList.add('bumped');
}

export interface Tiles {
  readonly element: HTMLElement;
  update(current: Figures, previous?: Figures): void;
}

type CountField = (typeof COUNT_COLUMNS)[number];

/** The headline numbers as a description list (a label, its value, the change from the previous period). */
export function figureTiles(label: string, fields: readonly CountField[] = COUNT_COLUMNS): Tiles {
  const values = new Map<string, { value: HTMLElement; change: HTMLElement }>();
  const element = h('dl', { class: 'tiles', 'aria-label': label });
  for (const field of fields) {
    const value = h('span', { class: 'tile-value', 'data-field': field }, '–');
    const change = h('span', { class: 'tile-change' });
    values.set(field, { value, change });
    element.append(h('div', { class: `tile tile-${field}` }, h('dt', { class: 'tile-label' }, FIGURE_LABELS[field]), h('dd', {}, value, change)));
  }
  return {
    element,
    update(f, prev) {
      for (const field of fields) {
        const { value, change } = values.get(field)!;
        const before = value.textContent;
        if (setText(value, count(f[field])) && before !== '–') flash(value);
        if (prev) {
          const p = percentChange(f[field], prev[field]);
          setText(change, `${formatChange(f[field], prev[field])} vs ${count(prev[field])} before`);
          change.className = `tile-change ${p === null || p > 0 ? 'up' : p < 0 ? 'down' : ''}`;
        } else setText(change, '');
      }
    },
  };
}

/** Days newest first with a total row; sortable, downloadable. */
export function dailyTable(opts: { caption: string; id: string; csvName: () => string }) {
  const columns: Column<DayFigures>[] = [
    { key: 'day', label: 'Day', value: (d) => d.day, text: (d) => (d.day === 'TOTAL' ? 'Total' : prettyDay(d.day)) },
    ...COUNT_COLUMNS.map((field) => ({ key: field, label: FIGURE_LABELS[field], num: true, value: (d: DayFigures) => d[field] })),
  ];
  const table = dataTable<DayFigures>({ id: opts.id, caption: opts.caption, columns, rowKey: (d) => d.day, csvName: opts.csvName, sort: { key: 'day', dir: 'desc' } });
  return {
    element: table.element,
    setCaption: table.setCaption,
    update(days: readonly DayFigures[], total: Figures) {
      table.update(days, { ...total, day: 'TOTAL' });
    },
  };
}

interface BreakdownLine {
  readonly value: string;
  readonly clicks: number;
  readonly qualifiedClicks: number;
  readonly previousClicks: number;
  readonly previousQualified: number;
}

const VALUE_WORDS: Readonly<Record<string, string>> = {
  qr: 'QR counter card',
  email: 'E-mail',
  link: 'Shared link',
  qualified: 'Qualified (paid)',
  'repeat-visitor': 'Repeat visitor that day',
  internal: 'Internal (staff network)',
  isbot: 'Bot',
  'link-preview': 'Link preview',
  prefetch: 'Browser prefetch',
  'empty-user-agent': 'No user agent',
  subresource: 'Embedded (image, frame, script)',
  other: 'Other',
};

export function valueLabel(dim: BreakdownDimension, value: string): string {
  if (dim === 'placement' || dim === 'reason' || value === 'other') return VALUE_WORDS[value] ?? value;
  return value;
}

/**
 * One dimension's breakdown for the period, next to the previous period: clicks, qualified,
 * the same two before, and the changes.
 */
export function breakdownTable(opts: { id: string; dim: BreakdownDimension; scopeLabel: string; csvName: (from: string, to: string) => string }) {
  let range = { from: '', to: '' };
  const columns: Column<BreakdownLine>[] = [
    { key: 'value', label: DIMENSION_LABELS[opts.dim], value: (r) => r.value, text: (r) => valueLabel(opts.dim, r.value) },
    { key: 'clicks', label: 'Clicks', num: true, value: (r) => r.clicks },
    { key: 'qualifiedClicks', label: 'Qualified (paid)', num: true, value: (r) => r.qualifiedClicks },
    { key: 'previousClicks', label: 'Clicks before', num: true, value: (r) => r.previousClicks },
    { key: 'previousQualified', label: 'Qualified before', num: true, value: (r) => r.previousQualified },
    { key: 'qualifiedChange', label: 'Qualified change', num: true, value: (r) => percentChange(r.qualifiedClicks, r.previousQualified), text: (r) => formatChange(r.qualifiedClicks, r.previousQualified) },
  ];
  const table = dataTable<BreakdownLine>({ id: opts.id, caption: DIMENSION_LABELS[opts.dim], columns, rowKey: (r) => r.value, csvName: () => opts.csvName(range.from, range.to), sort: { key: 'clicks', dir: 'desc' }, empty: 'No clicks in this period or the one before.' });
  return {
    element: table.element,
    update(period: ResolvedPeriod, current: BreakdownResponse, previous: BreakdownResponse) {
      range = { from: period.from, to: period.to };
      table.setCaption(`${DIMENSION_LABELS[opts.dim]}, ${opts.scopeLabel}, ${rangeText(period)} vs ${rangeText(period.previous)}`);
      const before = new Map(previous.rows.map((r) => [r.value, r]));
      const lines: BreakdownLine[] = current.rows.map((r) => ({ ...r, previousClicks: before.get(r.value)?.clicks ?? 0, previousQualified: before.get(r.value)?.qualifiedClicks ?? 0 }));
      for (const r of previous.rows) if (!current.rows.some((c) => c.value === r.value)) lines.push({ value: r.value, clicks: 0, qualifiedClicks: 0, previousClicks: r.clicks, previousQualified: r.qualifiedClicks });
      const sum = (f: keyof Omit<BreakdownLine, 'value'>) => lines.reduce((n, l) => n + l[f], 0);
      table.update(lines, { value: 'Total', clicks: sum('clicks'), qualifiedClicks: sum('qualifiedClicks'), previousClicks: sum('previousClicks'), previousQualified: sum('previousQualified') });
    },
  };
}

/** Every breakdown of a scope for the period, each beside the previous period. */
export function breakdownPanel(opts: { id: string; scopeLabel: string; fileScope: string; dims?: readonly BreakdownDimension[] }) {
  const dims = opts.dims ?? BREAKDOWN_DIMENSIONS;
  const tables = dims.map((dim) => ({
    dim,
    table: breakdownTable({ id: `${opts.id}-${dim}`, dim, scopeLabel: opts.scopeLabel, csvName: (from, to) => `breakdown-${dim}-${opts.fileScope}-${from}-to-${to}.csv` }),
  }));
  const element = h(
    'section',
    { class: 'panel breakdowns', 'aria-labelledby': `${opts.id}-title` },
    h('h2', { id: `${opts.id}-title` }, 'Breakdowns'),
    h('div', { class: 'breakdown-grid' }, ...tables.map((t) => h('div', { class: 'breakdown' }, t.table.element))),
  );
  return {
    element,
    load(source: FiguresSource, period: ResolvedPeriod): Promise<Array<{ now: BreakdownResponse; before: BreakdownResponse }>> {
      // Every dimension of a period in one request: two requests, not ten.
      const by = tables.map((t) => t.dim);
      return Promise.all([source.breakdowns({ from: period.from, to: period.to, by }), source.breakdowns({ from: period.previous.from, to: period.previous.to, by })]).then(([now, before]) => {
        const of = (answers: BreakdownResponse[], dim: string) => answers.find((a) => a.by === dim) ?? { ...answers[0]!, by: dim, rows: [], total: { clicks: 0, qualifiedClicks: 0 } };
        return by.map((dim) => ({ now: of(now, dim), before: of(before, dim) }));
      });
    },
    update(period: ResolvedPeriod, answers: ReadonlyArray<{ now: BreakdownResponse; before: BreakdownResponse }>) {
      tables.forEach((t, i) => t.table.update(period, answers[i]!.now, answers[i]!.before));
    },
  };
}
