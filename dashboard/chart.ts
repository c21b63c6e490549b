/**
 * The daily clicks chart (uPlot). Screen readers get the same facts as text: the figure's
 * caption sums the period up, and every page that shows a chart also has the numbers in a table.
 */
import uPlot from 'uplot';
import type { DayFigures } from './api.ts';
import { h, setText } from './dom.ts';
import { count, dayToSeconds, plural, prettyDay } from './format.ts';

export interface DailyChart {
  readonly element: HTMLElement;
  update(days: readonly DayFigures[]): void;
  destroy(): void;
}

const HEIGHT = 240;
const HALF_DAY = 12 * 3600;
const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1_000_000];

export function dailyChart(opts: { id: string; title: string }): DailyChart {
  const headingId = `${opts.id}-title`;
  const captionId = `${opts.id}-caption`;
  const plotBox = h('div', { class: 'chart-plot', role: 'img', 'aria-labelledby': headingId, 'aria-describedby': captionId });
  const caption = h('figcaption', { id: captionId, class: 'chart-caption' });
  const element = h('figure', { class: 'chart', id: opts.id, 'aria-labelledby': headingId }, h('h2', { id: headingId, class: 'chart-title' }, opts.title), plotBox, caption);

  let plot: uPlot | undefined;
  let lastKey = '';
  const width = () => Math.max(280, Math.floor(plotBox.clientWidth || element.clientWidth || 600));

  const build = (data: uPlot.AlignedData) => {
    plot = new uPlot(
      {
        width: width(),
        height: HEIGHT,
        // Days are plotted as UTC midnights and labelled in UTC, so a day never shifts by the viewer's zone.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
        // Half a day of room on both sides, so the first and last bars are not cut in half.
        scales: { x: { time: true, range: (_u, min, max) => [min - HALF_DAY, max + HALF_DAY] }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
        axes: [
          { stroke: '#52606d', grid: { show: false }, ticks: { show: false } },
          { stroke: '#52606d', incrs: INTEGER_STEPS, grid: { stroke: '#e4e7eb', width: 1 }, values: (_u, splits) => splits.map((n) => count(n)) },
        ],
        series: [
          { label: 'Day', value: (_u, v) => (v === null ? '' : prettyDay(new Date(v * 1000).toISOString().slice(0, 10))) },
          { label: 'Clicks', stroke: '#2f6fdf', fill: 'rgba(47, 111, 223, 0.28)', width: 1, paths: uPlot.paths.bars?.({ size: [0.7, 36] }), points: { show: false } },
          { label: 'Qualified clicks', stroke: '#0e8a5f', width: 2.5, points: { show: true, size: 5, fill: '#0e8a5f' } },
        ],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
      },
      data,
      plotBox,
    );
  };

  const resize = new ResizeObserver(() => plot?.setSize({ width: width(), height: HEIGHT }));
  resize.observe(plotBox);

  return {
    element,
    update(days) {
      const key = JSON.stringify(days.map((d) => [d.day, d.clicks, d.qualifiedClicks]));
      if (key === lastKey) return;
      lastKey = key;
      const data: uPlot.AlignedData = [days.map((d) => dayToSeconds(d.day)), days.map((d) => d.clicks), days.map((d) => d.qualifiedClicks)];
      if (plot) plot.setData(data);
      else build(data);
      setText(caption, describe(days));
    },
    destroy() {
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
  const span = `${prettyDay(days[0]!.day)} to ${prettyDay(days[days.length - 1]!.day)}`;
  if (clicks === 0) return `${span}: no clicks yet.`;
  const busiest = days.reduce((best, d) => (d.clicks > best.clicks ? d : best), days[0]!);
  return `${span}: ${plural(clicks, 'click')}, ${count(qualified)} qualified. Busiest day ${prettyDay(busiest.day)} with ${plural(busiest.clicks, 'click')}.`;
}
