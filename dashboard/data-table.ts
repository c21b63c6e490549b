/**
 * A data table every page uses: a caption, column and row headers, sortable by any column
 * (a button in each column header; `aria-sort` says the order), a CSV download of exactly what
 * it shows, and in-place updates (only changed cells are rewritten, so a refresh never jumps
 * and a focused row keeps its focus). On phones the rows become labelled cards (CSS), so no
 * column is cut off.
 */
import { csvLine } from '../core/finance/csv.ts';
import { h, setText } from './dom.ts';
import { flash } from './widgets.ts';

export interface Column<R> {
  readonly key: string;
  readonly label: string;
  readonly num?: boolean;
  /** The value sorted on and written to the CSV. */
  value(row: R): string | number | null;
  /** What the cell shows (default: the value, numbers grouped). */
  text?(row: R): string;
  /** Makes the cell a link (e.g. a vendor's page). */
  link?(row: R): string;
}

export interface DataTable<R> {
  readonly element: HTMLElement;
  update(rows: readonly R[], foot?: R): void;
  /** The caption changes with the period. */
  setCaption(text: string): void;
}

const integer = new Intl.NumberFormat('en-US');

function shown<R>(c: Column<R>, r: R): string {
  if (c.text) return c.text(r);
  const v = c.value(r);
  return v === null ? '—' : typeof v === 'number' ? integer.format(v) : v;
}

export function dataTable<R>(opts: {
  id: string;
  caption: string;
  columns: ReadonlyArray<Column<R>>;
  rowKey(row: R): string;
  csvName(): string;
  /** The default order; `null` keeps the rows in the order given. */
  sort?: { key: string; dir: 'asc' | 'desc' } | null;
  empty?: string;
}): DataTable<R> {
  const captionId = `${opts.id}-caption`;
  const caption = h('caption', { id: captionId }, opts.caption);
  const tbody = h('tbody');
  const tfoot = h('tfoot');
  const headers = new Map<string, { th: HTMLElement; button: HTMLButtonElement }>();
  const headRow = h('tr');
  let sort = opts.sort ?? null;
  for (const c of opts.columns) {
    const button = h('button', { type: 'button', class: 'sort' }, c.label);
    const th = h('th', { scope: 'col', class: c.num ? 'num' : undefined }, button);
    button.addEventListener('click', () => {
      sort = sort?.key === c.key ? { key: c.key, dir: sort.dir === 'desc' ? 'asc' : 'desc' } : { key: c.key, dir: c.num ? 'desc' : 'asc' };
      render();
    });
    headers.set(c.key, { th, button });
    headRow.append(th);
  }
  const table = h('table', { class: 'data', id: opts.id }, caption, h('thead', {}, headRow), tbody, tfoot);
  const download = h('button', { type: 'button', class: 'button secondary small' }, 'Download CSV');
  const emptyNote = h('p', { class: 'muted small empty-note', hidden: true }, opts.empty ?? 'Nothing in this period.');
  const element = h(
    'div',
    { class: 'data-table' },
    h('div', { class: 'table-scroll', role: 'region', 'aria-labelledby': captionId, tabindex: 0 }, table),
    emptyNote,
    h('div', { class: 'table-tools' }, download),
  );

  let rows: readonly R[] = [];
  let footRow: R | undefined;
  let first = true;
  const trs = new Map<string, { tr: HTMLTableRowElement; cells: HTMLElement[] }>();
  const footCells: HTMLElement[] = [];

  const ordered = (): R[] => {
    if (!sort) return [...rows];
    const col = opts.columns.find((c) => c.key === sort!.key);
    if (!col) return [...rows];
    const dir = sort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
    });
  };

  const render = () => {
    for (const [key, { th }] of headers) {
      if (sort?.key === key) th.setAttribute('aria-sort', sort.dir === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    const list = ordered();
    const keep = new Set(list.map(opts.rowKey));
    for (const [key, row] of trs) if (!keep.has(key)) (row.tr.remove(), trs.delete(key));
    list.forEach((r, i) => {
      const key = opts.rowKey(r);
      let row = trs.get(key);
      if (!row) {
        const cells = opts.columns.map((c, j) => h(j === 0 ? 'th' : 'td', { scope: j === 0 ? 'row' : undefined, class: c.num ? 'num' : undefined, 'data-label': c.label, 'data-field': c.key }));
        row = { tr: h('tr', { 'data-key': key }, ...cells), cells };
        trs.set(key, row);
      }
      opts.columns.forEach((c, j) => {
        const cell = row!.cells[j]!;
        if (c.link) {
          const a = (cell.firstElementChild as HTMLAnchorElement | null) ?? cell.appendChild(h('a', {}));
          if (a.getAttribute('href') !== c.link(r)) a.setAttribute('href', c.link(r));
          setText(a, shown(c, r));
        } else if (setText(cell, shown(c, r)) && !first && c.num) flash(cell);
      });
      if (tbody.children[i] !== row.tr) tbody.insertBefore(row.tr, tbody.children[i] ?? null);
    });
    emptyNote.hidden = list.length > 0;
    if (footRow) {
      if (footCells.length === 0) {
        opts.columns.forEach((c, j) => footCells.push(h(j === 0 ? 'th' : 'td', { scope: j === 0 ? 'row' : undefined, class: c.num ? 'num' : undefined, 'data-label': c.label })));
        tfoot.replaceChildren(h('tr', {}, ...footCells));
      }
      opts.columns.forEach((c, j) => setText(footCells[j]!, shown(c, footRow!)));
    }
    first = false;
  };

  download.addEventListener('click', () => {
    const lines = [csvLine(opts.columns.map((c) => c.label)), ...ordered().map((r) => csvLine(opts.columns.map((c) => c.value(r)))), ...(footRow ? [csvLine(opts.columns.map((c) => c.value(footRow!)))] : [])];
    const url = URL.createObjectURL(new Blob([`${lines.join('\n')}\n`], { type: 'text/csv;charset=utf-8' }));
    const a = h('a', { href: url, download: opts.csvName(), hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });

  return {
    element,
    update(next, foot) {
      rows = next;
      footRow = foot;
      render();
    },
    setCaption(text) {
      setText(caption, text);
    },
  };
}
