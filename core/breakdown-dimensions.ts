/** The breakdown dimensions and their names (see core/breakdown.ts); no dependencies, so the browser bundle can use them. */
export const BREAKDOWN_DIMENSIONS = ['placement', 'referrer', 'country', 'device', 'reason'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

export const DIMENSION_LABELS: Readonly<Record<BreakdownDimension, string>> = {
  placement: 'Placement',
  referrer: 'Referrer',
  country: 'Country',
  device: 'Device',
  reason: 'Counted as',
};

