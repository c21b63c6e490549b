/**
 * The daily clicks chart (uPlot), in two views: clicks with the qualified line, or stacked
 * qualified vs excluded clicks. The legend under it shows the hovered day's numbers (the
 * last day's when nothing is hovered). Screen readers get the same facts as text: the
 * figure's caption sums the period up, and every page that shows a chart also has the
 * numbers in a table.
 *
 * uPlot is loaded when the chart is about to be seen (its own chunk): the page's first render
 * does not wait for it, and the plot box has a fixed height, so nothing moves when it is drawn.
 */
import type uPlot from 'uplot';
import type { DayFigures } from './api.ts';
import { afterNextFrame, h, setText } from './dom.ts';
import { count, dayToSeconds, plural, prettyDay } from './format.ts';

export interface DailyChart {
  readonly element: HTMLElement;
  update(days: readonly DayFigures[]): void;
  setTitle(title: string): void;
  destroy(): void;
}

const HEIGHT = 240;
const HALF_DAY = 12 * 3600;
const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1_000_000];
const CLICKS = '#2f6fdf';
const QUALIFIED = '#0b7a52';
const EXCLUDED = '#b45309';

type Mode = 'clicks' | 'stacked';
type UPlot = typeof uPlot;

let loading: Promise<UPlot> | undefined;
function loadUPlot(): Promise<UPlot> {
  loading ??= import('uplot').then((m) => m.default);
  return loading;
}

export function dailyChart(opts: { id: string; title: string }): DailyChart {
  const headingId = `${opts.id}-title`;
  const captionId = `${opts.id}-caption`;
  const plotBox = h('div', { class: 'chart-plot', role: 'img', 'aria-labelledby': headingId, 'aria-describedby': captionId });
  const caption = h('figcaption', { id: captionId, class: 'chart-caption' });
  const legend = h('p', { class: 'chart-legend', 'aria-hidden': 'true' });
  const title = h('h2', { id: headingId, class: 'chart-title' }, opts.title);
  const modeButtons = {
    clicks: h('button', { type: 'button', class: 'button secondary small', 'aria-pressed': 'true' }, 'Clicks and qualified'),
    stacked: h('button', { type: 'button', class: 'button secondary small', 'aria-pressed': 'false' }, 'Qualified vs excluded (stacked)'),
  };
  const element = h(
    'figure',
    { class: 'chart', id: opts.id, 'aria-labelledby': headingId },
    h('div', { class: 'chart-head' }, title, h('div', { class: 'chart-modes', role: 'group', 'aria-label': 'Chart view' }, modeButtons.clicks, modeButtons.stacked)),
    plotBox,
    legend,
    caption,
  );

  let plot: uPlot | undefined;
  let mode: Mode = 'clicks';
  let days: readonly DayFigures[] = [];
  let lastKey = '';
  const width = () => Math.max(260, Math.floor(plotBox.clientWidth || element.clientWidth || 600));

  const showLegend = (idx: number | null | undefined) => {
    const d = days[idx ?? days.length - 1];
    if (!d) return setText(legend, '');
    const excluded = d.clicks - d.qualifiedClicks;
    setText(legend, `${prettyDay(d.day)}: ${plural(d.clicks, 'click')}, ${count(d.qualifiedClicks)} qualified, ${count(excluded)} excluded`);
  };

  const series = (uPlot: UPlot): uPlot.Series[] =>
    mode === 'clicks'
      ? [
          { label: 'Day' },
          { label: 'Clicks', stroke: CLICKS, fill: 'rgba(47, 111, 223, 0.28)', width: 1, paths: uPlot.paths.bars?.({ size: [0.7, 36] }), points: { show: false } },
          { label: 'Qualified clicks', stroke: QUALIFIED, width: 2.5, points: { show: true, size: 5, fill: QUALIFIED } },
        ]
      : [
          { label: 'Day' },
          // Stacked by drawing all clicks behind the qualified share: the top part is what was excluded.
          { label: 'Excluded', stroke: EXCLUDED, fill: 'rgba(180, 83, 9, 0.55)', width: 1, paths: uPlot.paths.bars?.({ size: [0.7, 36] }), points: { show: false } },
          { label: 'Qualified', stroke: QUALIFIED, fill: 'rgba(11, 122, 82, 0.85)', width: 1, paths: uPlot.paths.bars?.({ size: [0.7, 36] }), points: { show: false } },
        ];

  const data = (): uPlot.AlignedData => [days.map((d) => dayToSeconds(d.day)), days.map((d) => d.clicks), days.map((d) => d.qualifiedClicks)];

  let building = false;
  let destroyed = false;
  // Drawn when it is about to scroll into view (a phone often never gets that far): the page's
  // first render does not pay for uPlot. The caption and the legend line are text and always there.
  let near = typeof IntersectionObserver === 'undefined';
  const approach = near
    ? undefined
    : new IntersectionObserver(
        (entries) => {
          if (!entries.some((e) => e.isIntersecting)) return;
          near = true;
          approach?.disconnect();
          if (days.length) void build();
        },
        { rootMargin: '400px 0px' },
      );
  approach?.observe(plotBox);
  const build = async () => {
    if (building || !near) return;
    building = true;
    // After a rendered frame, so the plot box's width is read from a fresh layout, not forced.
    const uPlot = await Promise.all([loadUPlot(), afterNextFrame()]).then(([u]) => u).finally(() => (building = false));
    if (destroyed) return;
    plot?.destroy();
    plot = new uPlot(
      {
        width: width(),
        height: HEIGHT,
        // Days are plotted as UTC midnights and labelled in UTC, so a day never shifts by the viewer's zone.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
        // Half a day of room on both sides, so the first and last bars are not cut in half.
        scales: { x: { time: true, range: (_u, min, max) => [min - HALF_DAY, max + HALF_DAY] }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
        axes: [
          { stroke: '#4a5866', grid: { show: false }, ticks: { show: false } },
          { stroke: '#4a5866', incrs: INTEGER_STEPS, grid: { stroke: '#e4e7eb', width: 1 }, values: (_u, splits) => splits.map((n) => count(n)) },
        ],
        series: series(uPlot),
        // Our own legend line (below) shows the hovered day, or the last day when nothing is hovered.
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        hooks: { setCursor: [(u) => showLegend(u.cursor.idx)] },
      },
      data(),
      plotBox,
    );
    showLegend(plot.cursor.idx);
  };

  const setMode = (next: Mode) => {
    mode = next;
    modeButtons.clicks.setAttribute('aria-pressed', String(next === 'clicks'));
    modeButtons.stacked.setAttribute('aria-pressed', String(next === 'stacked'));
    if (days.length) void build();
  };
  modeButtons.clicks.addEventListener('click', () => setMode('clicks'));
  modeButtons.stacked.addEventListener('click', () => setMode('stacked'));

  const resize = new ResizeObserver(() => plot?.setSize({ width: width(), height: HEIGHT }));
  resize.observe(plotBox);

  return {
    element,
    update(next) {
      const key = JSON.stringify(next.map((d) => [d.day, d.clicks, d.qualifiedClicks]));
      if (key === lastKey) return;
      const sameDays = days.length === next.length && days.every((d, i) => d.day === next[i]!.day);
      lastKey = key;
      days = next;
      if (plot && sameDays) plot.setData(data());
      else void build();
      showLegend(plot?.cursor.idx);
      setText(caption, describe(next));
    },
    setTitle(text) {
      setText(title, text);
    },
    destroy() {
      destroyed = true;
      approach?.disconnect();
      resize.disconnect();
      plot?.destroy();
      plot = undefined;
    },
  };
}

/** The chart in one sentence: the text alternative for people who cannot see it. */
export function describe(days: readonly DayFigures[]): string {
  if (days.length === 0) return 'No days to show.';
  const clicks = days.reduce((n, d) => n + d.clicks, 0);
  const qualified = days.reduce((n, d) => n + d.qualifiedClicks, 0);
  const span = days.length === 1 ? prettyDay(days[0]!.day) : `${prettyDay(days[0]!.day)} to ${prettyDay(days[days.length - 1]!.day)}`;
  if (clicks === 0) return `${span}: no clicks yet.`;
  const busiest = days.reduce((best, d) => (d.clicks > best.clicks ? d : best), days[0]!);
  return `${span}: ${plural(clicks, 'click')}, ${count(qualified)} qualified, ${count(clicks - qualified)} excluded. Busiest day ${prettyDay(busiest.day)} with ${plural(busiest.clicks, 'click')}.`;
}
