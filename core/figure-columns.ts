/** The figures' one print order and names; no dependencies, so the browser bundle can use it as is. */
import type { RollupCounts } from './rollup-figures.ts';

/**
 * The counted figures in print order, with the words people read: every table, tile and CSV
 * (CLI, API, dashboard, vendor page) shows them in this one order.
 */
export const COUNT_COLUMNS = ['clicks', 'botClicks', 'humanClicks', 'uniqueVisitors', 'qualifiedClicks'] as const satisfies ReadonlyArray<keyof RollupCounts>;
export const FIGURE_LABELS: Readonly<Record<(typeof COUNT_COLUMNS)[number], string>> = {
  clicks: 'Clicks',
  botClicks: 'Bot clicks',
  humanClicks: 'Human clicks',
  uniqueVisitors: 'Unique visitors',
  qualifiedClicks: 'Qualified (paid)',
};

