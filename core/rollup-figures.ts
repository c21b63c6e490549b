/**
 * The rollup figures, defined once. Everything that stores, sums, compares, prints or
 * exports a rollup (core/rollup.ts, the store and reader in adapters/, verify, the CLI, the
 * API's CSV and JSON) iterates this list, so a figure added here appears everywhere.
 *
 * Every click falls in exactly one outcome column:
 *   qualifiedClicks + repeatVisitorClicks + networkCapClicks + suspiciousClicks + internalClicks
 *     = humanClicks
 *   botClicks (of which subresourceClicks) + humanClicks = clicks
 * (core/qualification.ts decides the outcome of each click.)
 */

export const COUNT_FIGURES = [
  { key: 'clicks', label: 'clicks', meaning: 'every recorded click' },
  { key: 'botClicks', label: 'bots', meaning: 'clicks with a bot verdict (subresource loads included)' },
  { key: 'humanClicks', label: 'humans', meaning: 'clicks without a bot verdict' },
  { key: 'uniqueVisitors', label: 'unique', meaning: 'distinct visitors (ip + user agent) of the vendor that day' },
  { key: 'qualifiedClicks', label: 'qualified', meaning: 'paid clicks: the first human click of a visitor, at most the network cap per network' },
  { key: 'subresourceClicks', label: 'subres', meaning: 'bot clicks that were an image, iframe, script or fetch of the link' },
  { key: 'internalClicks', label: 'internal', meaning: "human clicks from the business's own networks" },
  { key: 'suspiciousClicks', label: 'suspicious', meaning: 'human clicks in a minute when their network clicked more than the velocity limit' },
  { key: 'networkCapClicks', label: 'net-cap', meaning: 'first clicks of visitors beyond the network cap of their network' },
  { key: 'repeatVisitorClicks', label: 'repeat', meaning: 'further human clicks of a visitor already counted that day' },
] as const;

export const WINDOW_FIGURES = [
  { key: 'firstClickAt', label: 'first click (UTC)', meaning: 'earliest click time counted', pick: 'earliest' },
  { key: 'lastClickAt', label: 'last click (UTC)', meaning: 'latest click time counted', pick: 'latest' },
] as const;

export type CountKey = (typeof COUNT_FIGURES)[number]['key'];
export type WindowKey = (typeof WINDOW_FIGURES)[number]['key'];
export type FigureKey = CountKey | WindowKey;

export type RollupCounts = { readonly [K in CountKey]: number };
export type ClickWindow = { readonly [K in WindowKey]: string | null };
export type RollupFigures = RollupCounts & ClickWindow;

export const COUNT_KEYS: readonly CountKey[] = COUNT_FIGURES.map((f) => f.key);
export const WINDOW_KEYS: readonly WindowKey[] = WINDOW_FIGURES.map((f) => f.key);
/** Every figure in print order (CSV columns, JSON keys, verify fields). */
export const FIGURE_KEYS: readonly FigureKey[] = [...COUNT_KEYS, ...WINDOW_KEYS];
/** Column headings for terminal tables, in FIGURE_KEYS order. */
export const FIGURE_LABELS: readonly string[] = [...COUNT_FIGURES.map((f) => f.label), ...WINDOW_FIGURES.map((f) => f.label)];

export const ZERO_FIGURES: RollupFigures = Object.freeze(Object.fromEntries([...COUNT_KEYS.map((k) => [k, 0]), ...WINDOW_KEYS.map((k) => [k, null])]) as RollupFigures);

function pick(which: 'earliest' | 'latest', a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return which === 'earliest' ? (a <= b ? a : b) : a >= b ? a : b;
}

/** Field-by-field sum; the click window widens. Commutative and associative (order-free). */
export function addFigures(a: RollupFigures, b: RollupFigures): RollupFigures {
  const out: Record<string, number | string | null> = {};
  for (const k of COUNT_KEYS) out[k] = a[k] + b[k];
  for (const f of WINDOW_FIGURES) out[f.key] = pick(f.pick, a[f.key], b[f.key]);
  return out as RollupFigures;
}

/** Counters of `b` minus those of `a` (the window is `b`'s): what to ADD to move a stored `a` to `b`. */
export function subtractCounts(b: RollupFigures, a: RollupFigures): RollupFigures {
  const out: Record<string, number | string | null> = {};
  for (const k of COUNT_KEYS) out[k] = b[k] - a[k];
  for (const k of WINDOW_KEYS) out[k] = b[k];
  return out as RollupFigures;
}

/** Only the figures of something that carries more (a DailyRollup, a stored item). */
export function figuresOf(r: RollupFigures): RollupFigures {
  return Object.fromEntries(FIGURE_KEYS.map((k) => [k, r[k]])) as RollupFigures;
}

export function sameFigures(a: RollupFigures, b: RollupFigures): boolean {
  return FIGURE_KEYS.every((k) => a[k] === b[k]);
}

export function countsAreZero(r: RollupFigures): boolean {
  return COUNT_KEYS.every((k) => r[k] === 0);
}

/** Reads figures from a stored item or JSON object; a missing or mistyped figure is 0 / null. */
export function figuresFromRecord(item: Record<string, unknown>): RollupFigures {
  const out: Record<string, number | string | null> = {};
  for (const k of COUNT_KEYS) out[k] = typeof item[k] === 'number' ? (item[k] as number) : 0;
  for (const k of WINDOW_KEYS) out[k] = typeof item[k] === 'string' ? (item[k] as string) : null;
  return out as RollupFigures;
}
