/** Pieces the pages share: the live announcer, figure tiles, the daily table. */
import type { DayFigures, Figures } from './api.ts';
import { byId, h, setText } from './dom.ts';
import { count, prettyDay } from './format.ts';

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
  update(f: Figures): void;
}

const TILE_FIELDS = [
  ['clicks', 'Clicks'],
  ['qualifiedClicks', 'Qualified clicks'],
  ['uniqueVisitors', 'Unique visitors'],
  ['botClicks', 'Bot clicks'],
] as const;

/** The headline numbers as a description list (a label, then its value). */
export function figureTiles(label: string): Tiles {
  const values = new Map<string, HTMLElement>();
  const element = h('dl', { class: 'tiles', 'aria-label': label });
  for (const [field, name] of TILE_FIELDS) {
    const dd = h('dd', { class: 'tile-value', 'data-field': field }, '–');
    values.set(field, dd);
    element.append(h('div', { class: `tile tile-${field}` }, h('dt', { class: 'tile-label' }, name), dd));
  }
  return {
    element,
    update(f) {
      for (const [field] of TILE_FIELDS) {
        const el = values.get(field)!;
        const before = el.textContent;
        if (setText(el, count(f[field])) && before !== '–') flash(el);
      }
    },
  };
}

const DAY_COLUMNS = [
  ['clicks', 'Clicks'],
  ['humanClicks', 'Human'],
  ['botClicks', 'Bots'],
  ['uniqueVisitors', 'Unique visitors'],
  ['qualifiedClicks', 'Qualified'],
] as const;

export interface DailyTable {
  readonly element: HTMLElement;
  update(days: readonly DayFigures[]): void;
}

/** Days newest first; rows are kept and only changed cells rewritten, so a refresh never jumps. */
export function dailyTable(opts: { caption: string; id: string }): DailyTable {
  const tbody = h('tbody');
  const tfoot = h('tfoot');
  const captionEl = h('caption', { id: `${opts.id}-caption` }, opts.caption);
  const table = h(
    'table',
    { class: 'data daily', id: opts.id },
    captionEl,
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Day'), ...DAY_COLUMNS.map(([, name]) => h('th', { scope: 'col', class: 'num' }, name)))),
    tbody,
    tfoot,
  );
  let rowsKey = '';
  const cells = new Map<string, HTMLElement>();
  const totalCells = new Map<string, HTMLElement>();
  tfoot.append(h('tr', {}, h('th', { scope: 'row' }, 'Total'), ...DAY_COLUMNS.map(([field]) => {
    const td = h('td', { class: 'num' }, '0');
    totalCells.set(field, td);
    return td;
  })));
  return {
    element: h('div', { class: 'table-scroll', role: 'region', 'aria-labelledby': `${opts.id}-caption`, tabindex: 0 }, table),
    update(days) {
      const newest = [...days].reverse();
      const key = newest.map((d) => d.day).join(',');
      if (key !== rowsKey) {
        rowsKey = key;
        cells.clear();
        tbody.replaceChildren(
          ...newest.map((d) =>
            h('tr', { 'data-day': d.day }, h('th', { scope: 'row' }, prettyDay(d.day)), ...DAY_COLUMNS.map(([field]) => {
              const td = h('td', { class: 'num' }, count(d[field]));
              cells.set(`${d.day}|${field}`, td);
              return td;
            })),
          ),
        );
      } else {
        for (const d of newest) for (const [field] of DAY_COLUMNS) {
          const td = cells.get(`${d.day}|${field}`);
          if (td && setText(td, count(d[field]))) flash(td);
        }
      }
      for (const [field] of DAY_COLUMNS) setText(totalCells.get(field)!, count(days.reduce((n, d) => n + d[field], 0)));
    },
  };
}
