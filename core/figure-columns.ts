/** The figures' one print order and names; no dependencies, so the browser bundle can use it as is. */
import type { RollupCounts } from './rollup-figures.ts';

/**
 * The counted figures in print order, with the words people read: every table, tile and CSV
 * (CLI, API, dashboard, vendor page) shows them in this one order.
 */
export const COUNT_COLUMNS = ['clicks', 'botClicks', 'humanClicks', 'uniqueVisitors', 'qualifiedClicks', 'bookings', 'bookingValueCents'] as const satisfies ReadonlyArray<keyof RollupCounts>;
export const FIGURE_LABELS: Readonly<Record<(typeof COUNT_COLUMNS)[number], string>> = {
  clicks: 'Clicks',
  botClicks: 'Bot clicks',
  humanClicks: 'Human clicks',
  uniqueVisitors: 'Unique visitors',
  qualifiedClicks: 'Qualified (paid)',
  bookings: 'Bookings',
  bookingValueCents: 'Booking value',
};

/** Figures that are amounts in cents: shown as money (12.50), still summed and sorted as numbers. */
export const CENTS_COLUMNS: ReadonlySet<string> = new Set(['bookingValueCents']);

