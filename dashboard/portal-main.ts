/**
 * A vendor's own page (`/portal#key=<credential>`), opened with the private link
 * `reftrack portal link` prints. The credential stays in the fragment (never sent as part of
 * a URL; sent only as `Authorization: Bearer` to the portal API), so the link is the bookmark.
 * It shows only this vendor: the portal API takes the vendor from the credential.
 */
import { formatCents } from '../core/finance/money.ts';
import { periodToParams, type PeriodChoice } from '../core/period.ts';
import { ApiError, breakdownsOf, breakdownsQuery, call, type BreakdownResponse, type BreakdownsResponse, type FiguresSource, type RollupsResponse } from './api.ts';
import { byId, h, placeInOrder, setText } from './dom.ts';
import { clockTime, count, prettyInstant } from './format.ts';
import { figuresSection } from './figures.ts';
import { sharePanel } from './vendor-page.ts';

interface Me {
  readonly timeZone: string;
  readonly today: string;
  readonly vendor: { code: string; name: string; status: string; link: string; qrLink: string; qrPng: string; qrSvg: string };
  readonly linkExpiresAt: string;
}
interface Estimate {
  readonly month: string;
  readonly qualifiedClicks: number;
  readonly estimate: { currency: string; rateCents: number; monthlyCapCents: number | null; capApplied: boolean; amountCents: number } | null;
  readonly note: string;
}

const POLL_MS = 5_000;
const main = byId('main');
const updated = byId('updated');
const problem = byId('problem');

const fragment = () => new URLSearchParams(location.hash.replace(/^#/, ''));
const key = fragment().get('key');
const get = <T>(path: string) => call<T>(`/portal/api/v1/${path}`, {}, key);

const source: FiguresSource = {
  rollups: (q) => get<RollupsResponse>(`rollups?${new URLSearchParams(q)}`),
  breakdowns: async (q) => breakdownsOf(await get<BreakdownResponse | BreakdownsResponse>(`breakdowns?${new URLSearchParams(breakdownsQuery(q))}`)),
};

function choose(choice: PeriodChoice): void {
  // The key first, so the address still reads as the private link.
  location.hash = `key=${key}&${periodToParams(choice)}`;
}

function refused(message: string): void {
  main.replaceChildren(
    h(
      'section',
      { class: 'panel notice', 'aria-labelledby': 'refused-title' },
      h('h1', { id: 'refused-title', tabindex: -1 }, 'This link does not work any more'),
      h('p', {}, message),
      h('p', { class: 'muted' }, 'Links expire after a while and can be withdrawn. Ask us for a new one.'),
    ),
  );
  setText(updated, 'not connected');
}

async function start(): Promise<void> {
  if (!key) return refused('This page opens only with the private link you were sent.');
  let me: Me;
  try {
    me = await get<Me>('me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return refused(error.message);
    problem.hidden = false;
    problem.replaceChildren(h('p', {}, 'Could not load your numbers; retrying.'));
    window.setTimeout(() => void start(), POLL_MS);
    return;
  }
  problem.hidden = true;
  const heading = h('h1', { tabindex: -1 }, me.vendor.name);
  document.title = `${me.vendor.name} · your referral numbers`;
  const share = sharePanel(me.vendor.code);
  share.update(me.vendor.name, me.vendor.link);
  const figures = figuresSection({ id: 'portal', scopeLabel: me.vendor.name, fileScope: me.vendor.code, source, onChoose: choose, dims: ['placement', 'reason', 'device'] });
  figures.setParams(fragment());
  const estimateValue = h('p', { class: 'estimate-value' }, '–');
  const estimateNote = h('p', { class: 'muted small' });
  const statements = h('ul', { class: 'statements' });
  const statementsNote = h('p', { class: 'muted small' }, 'Monthly statements appear here once they are issued.');
  const estimatePanel = h('section', { class: 'panel estimate', 'aria-labelledby': 'estimate-title' }, h('h2', { id: 'estimate-title' }, 'This month so far (estimate)'), estimateValue, estimateNote);
  const statementsPanel = h('section', { class: 'panel', 'aria-labelledby': 'statements-title' }, h('h2', { id: 'statements-title' }, 'Statements'), statements, statementsNote);
  const body = h('div', { class: 'page-body' });
  // The heading at once; the sections join below it in order as their figures arrive, so nothing shifts.
  main.replaceChildren(
    h('div', { class: 'page-head' }, heading, h('p', { class: 'muted' }, `Your private, read-only page. Days are business days in ${me.timeZone}. This link works until ${prettyInstant(me.linkExpiresAt, me.timeZone)}; anyone who has it can see these numbers.`)),
    body,
  );
  // The first refresh uses the answer just read; later ones ask again (today moves at midnight).
  let today: string | undefined = me.today;

  const refresh = async () => {
    try {
      const day = today ?? (await get<Me>('me')).today;
      today = undefined;
      const [estimate, list, loaded] = await Promise.all([get<Estimate>('estimate'), get<{ statements: Array<{ month: string; url: string }> }>('statements'), figures.load(day)]);
      const fills = figures.fills(loaded);
      if (estimate.estimate) {
        const e = estimate.estimate;
        setText(estimateValue, `${formatCents(e.amountCents)} ${e.currency}`);
        setText(
          estimateNote,
          `${count(estimate.qualifiedClicks)} qualified clicks in ${estimate.month} × ${formatCents(e.rateCents)} ${e.currency}${e.monthlyCapCents !== null ? `, capped at ${formatCents(e.monthlyCapCents)} a month${e.capApplied ? ' (reached)' : ''}` : ''}. ${estimate.note}`,
        );
      } else {
        setText(estimateValue, `${count(estimate.qualifiedClicks)} qualified clicks`);
        setText(estimateNote, estimate.note);
      }
      statementsNote.hidden = list.statements.length > 0;
      const months = list.statements.map((s) => s.month).join(',');
      if (statements.dataset.months !== months) {
        statements.dataset.months = months;
        statements.replaceChildren(...list.statements.map((s) => h('li', {}, statementButton(s.month))));
      }
      await placeInOrder(body, [
        [estimatePanel, undefined],
        [figures.picker, fills.get(figures.picker)],
        [figures.tiles, fills.get(figures.tiles)],
        [figures.breakdowns, fills.get(figures.breakdowns)],
        [figures.chart, fills.get(figures.chart)],
        [share.element, undefined],
        [statementsPanel, undefined],
        [figures.daily, fills.get(figures.daily)],
      ]);
      problem.hidden = true;
      setText(updated, `updated ${clockTime()}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return refused(error.message);
      problem.hidden = false;
      problem.replaceChildren(h('p', {}, h('strong', {}, 'Could not refresh: '), 'the numbers shown are from the last successful update.'));
    }
    timer = window.setTimeout(() => void refresh(), POLL_MS);
  };
  let timer = 0;
  window.addEventListener('hashchange', () => {
    if (!/(^|&)key=/.test(location.hash.slice(1))) return; // `#main` (skip link) and the like
    figures.setParams(fragment());
    window.clearTimeout(timer);
    void refresh();
  });
  await refresh();
}

/** A statement is fetched with the credential and saved as a file (a plain link could not send it). */
function statementButton(month: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button secondary small' }, `Statement ${month} (HTML)`);
  button.addEventListener('click', async () => {
    const res = await fetch(`/portal/api/v1/statements/${month}`, { headers: { Authorization: `Bearer ${key}` }, cache: 'no-store' });
    if (!res.ok) return;
    const url = URL.createObjectURL(new Blob([await res.text()], { type: 'text/html' }));
    const a = h('a', { href: url, download: `statement-${month}.html`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  return button;
}

document.querySelector<HTMLAnchorElement>('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
void start();
