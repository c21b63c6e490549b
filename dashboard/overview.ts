/** `#/`: every vendor at a glance, and the all-vendor figures for the chosen period. */
import type { PeriodChoice } from '../core/period.ts';
import { COUNT_COLUMNS, FIGURE_LABELS } from '../core/figure-columns.ts';
import { analystFigures, businessTimeZone, type VendorSummary } from './api.ts';
import { dataTable, type Column } from './data-table.ts';
import { h, placeInOrder, setText } from './dom.ts';
import { figureText, plural, prettyInstant } from './format.ts';
import { figuresSection, vendorsAndFigures } from './figures.ts';
import type { View } from './view.ts';
import { announce } from './widgets.ts';

export function overviewView(main: HTMLElement, params: URLSearchParams, choose: (choice: PeriodChoice) => void): View {
  const heading = h('h1', { tabindex: -1 }, 'All vendors');
  const zoneNote = h('p', { class: 'muted' });
  const figures = figuresSection({ id: 'overview', scopeLabel: 'all vendors', fileScope: 'all-vendors', source: analystFigures(), onChoose: choose });
  figures.setParams(params);
  let timeZone = '';
  const columns: Column<VendorSummary>[] = [
    { key: 'name', label: 'Vendor', value: (v) => v.name, link: (v) => `#/vendor/${encodeURIComponent(v.code)}${location.hash.includes('?') ? location.hash.slice(location.hash.indexOf('?')) : ''}` },
    { key: 'status', label: 'Status', value: (v) => v.status },
    ...COUNT_COLUMNS.map((field) => ({ key: field, label: FIGURE_LABELS[field], num: true, value: (v: VendorSummary) => v.totals[field], text: (v: VendorSummary) => figureText(field, v.totals[field]) })),
    { key: 'lastClickAt', label: 'Last click', value: (v) => v.totals.lastClickAt, text: (v) => prettyInstant(v.totals.lastClickAt, timeZone) },
  ];
  // By name by default: rows that jump while you read are worse than an unsorted table; sorting is one click away.
  const vendors = dataTable<VendorSummary>({ id: 'vendors-table', caption: 'Vendors, all-time totals', columns, rowKey: (v) => v.code, csvName: () => 'vendors-all-time.csv', sort: { key: 'name', dir: 'asc' } });
  const vendorsPanel = h('section', { class: 'panel vendors-panel', 'aria-label': 'Vendors' }, vendors.element);
  const body = h('div', { class: 'page-body' });
  const zoneText = (zone: string) => `Days are business days in ${zone}. The vendor table shows all-time totals.`;
  const knownZone = businessTimeZone();
  if (knownZone) setText(zoneNote, zoneText(knownZone));
  // The heading at once; the sections join below it in order as their figures arrive, so nothing shifts.
  main.replaceChildren(h('div', { class: 'page-head' }, heading, zoneNote), body);

  const clicksSeen = new Map<string, number>();
  let firstLoad = true;
  return {
    heading,
    title: 'All vendors',
    setParams: (p) => figures.setParams(p),
    async refresh() {
      const got = await vendorsAndFigures(figures);
      const { answer } = got;
      timeZone = answer.timeZone;
      const loaded = await got.figures();
      setText(zoneNote, zoneText(timeZone));
      const fills = figures.fills(loaded);
      await placeInOrder(body, [
        [figures.picker, fills.get(figures.picker)],
        [figures.tiles, fills.get(figures.tiles)],
        [vendorsPanel, () => vendors.update(answer.vendors)],
        [figures.chart, fills.get(figures.chart)],
        [figures.breakdowns, fills.get(figures.breakdowns)],
        [figures.daily, fills.get(figures.daily)],
      ]);
      const news: string[] = [];
      for (const v of answer.vendors) {
        const before = clicksSeen.get(v.code);
        if (!firstLoad && before !== undefined && v.totals.clicks > before) news.push(`${v.name}: ${plural(v.totals.clicks, 'click')}`);
        clicksSeen.set(v.code, v.totals.clicks);
      }
      if (news.length) announce(`New clicks. ${news.join('. ')}.`);
      firstLoad = false;
    },
    destroy() {
      figures.destroy();
    },
  };
}
