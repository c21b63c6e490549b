/** `#/`: every vendor at a glance, the all-vendor headline numbers and the 30-day chart. */
import { api, type VendorSummary } from './api.ts';
import { dailyChart } from './chart.ts';
import { h, idFor, setText } from './dom.ts';
import { addDays, businessToday, count, plural, prettyInstant } from './format.ts';
import { DAYS_SHOWN, type View } from './view.ts';
import { announce, dailyTable, figureTiles, flash } from './widgets.ts';

const COLUMNS = [
  ['clicks', 'Clicks'],
  ['humanClicks', 'Human'],
  ['qualifiedClicks', 'Qualified'],
  ['uniqueVisitors', 'Unique visitors'],
  ['botClicks', 'Bots'],
] as const;

interface Row {
  readonly tr: HTMLTableRowElement;
  readonly name: HTMLAnchorElement;
  readonly status: HTMLElement;
  readonly cells: Map<string, HTMLElement>;
  readonly lastClick: HTMLElement;
}

export function overviewView(main: HTMLElement): View {
  const heading = h('h1', { tabindex: -1 }, 'All vendors');
  const tiles = figureTiles('All vendors, all time');
  const chart = dailyChart({ id: 'overview-chart', title: `Daily clicks, all vendors, last ${DAYS_SHOWN} days` });
  const daily = dailyTable({ id: 'overview-daily', caption: `All vendors by day, last ${DAYS_SHOWN} days` });
  const tbody = h('tbody');
  const zoneNote = h('p', { class: 'muted' });
  const vendorsTable = h(
    'table',
    { class: 'data vendors', id: 'vendors-table' },
    h('caption', { id: 'vendors-caption' }, 'Vendors, all-time totals'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Vendor'), h('th', { scope: 'col' }, 'Status'), ...COLUMNS.map(([, name]) => h('th', { scope: 'col', class: 'num' }, name)), h('th', { scope: 'col' }, 'Last click'))),
    tbody,
  );

  main.replaceChildren(
    h('div', { class: 'page-head' }, heading, zoneNote),
    tiles.element,
    h('section', { class: 'panel', 'aria-labelledby': 'vendors-caption' }, h('div', { class: 'table-scroll', role: 'region', 'aria-labelledby': 'vendors-caption', tabindex: 0 }, vendorsTable)),
    h('section', { class: 'panel' }, chart.element, h('details', { class: 'numbers' }, h('summary', {}, 'The numbers behind the chart'), daily.element)),
  );

  const rows = new Map<string, Row>();
  let firstLoad = true;

  const rowFor = (v: VendorSummary): Row => {
    const existing = rows.get(v.code);
    if (existing) return existing;
    const name = h('a', { href: `#/vendor/${encodeURIComponent(v.code)}` }, v.name);
    const status = h('span', { class: 'badge' });
    const cells = new Map<string, HTMLElement>();
    const lastClick = h('td', { class: 'when' });
    const tr = h('tr', { 'data-vendor': v.code, id: idFor('vendor-row', v.code) }, h('th', { scope: 'row' }, name, h('span', { class: 'code' }, v.code)), h('td', {}, status));
    for (const [field] of COLUMNS) {
      const td = h('td', { class: 'num', 'data-field': field }, '');
      cells.set(field, td);
      tr.append(td);
    }
    tr.append(lastClick);
    const row = { tr, name, status, cells, lastClick };
    rows.set(v.code, row);
    return row;
  };

  return {
    heading,
    title: 'All vendors',
    async refresh() {
      const { timeZone, vendors } = await api.vendors();
      const today = businessToday(timeZone);
      const rollups = await api.rollups({ from: addDays(today, -(DAYS_SHOWN - 1)), to: today });
      setText(zoneNote, `Days are business days in ${timeZone}. Totals since each vendor's first click.`);

      // By name, not by clicks: rows that jump while you read (or while a row has focus) are worse than an unsorted table.
      const sorted = [...vendors].sort((a, b) => a.name.localeCompare(b.name) || a.code.localeCompare(b.code));
      const news: string[] = [];
      for (const v of sorted) {
        const row = rowFor(v);
        setText(row.name, v.name);
        setText(row.status, v.status);
        row.status.className = `badge badge-${v.status === 'active' ? 'ok' : 'muted'}`;
        for (const [field] of COLUMNS) {
          const td = row.cells.get(field)!;
          const before = Number((td.textContent ?? '').replace(/,/g, '')) || 0;
          if (setText(td, count(v.totals[field])) && !firstLoad) {
            flash(td);
            if (field === 'clicks' && v.totals.clicks > before) news.push(`${v.name}: ${plural(v.totals.clicks, 'click')}`);
          }
        }
        setText(row.lastClick, prettyInstant(v.totals.lastClickAt, timeZone));
      }
      for (const [code, row] of rows) if (!vendors.some((v) => v.code === code)) (row.tr.remove(), rows.delete(code));
      // Only rows out of place are moved (a new vendor is inserted), so a focused row keeps its focus.
      sorted.forEach((v, i) => {
        const tr = rows.get(v.code)!.tr;
        if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] ?? null);
      });

      tiles.update(rollupsTotal(vendors));
      chart.update(rollups.days);
      daily.update(rollups.days);
      if (news.length) announce(`New clicks. ${news.join('. ')}.`);
      firstLoad = false;
    },
    destroy() {
      chart.destroy();
    },
  };
}

/** The all-time headline: the sum of the vendors' totals (the API's all-vendors scope is that same sum). */
function rollupsTotal(vendors: readonly VendorSummary[]) {
  const sum = (f: 'clicks' | 'botClicks' | 'humanClicks' | 'uniqueVisitors' | 'qualifiedClicks') => vendors.reduce((n, v) => n + v.totals[f], 0);
  return { clicks: sum('clicks'), botClicks: sum('botClicks'), humanClicks: sum('humanClicks'), uniqueVisitors: sum('uniqueVisitors'), qualifiedClicks: sum('qualifiedClicks'), firstClickAt: null, lastClickAt: null };
}
