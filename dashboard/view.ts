/** A page of the dashboard: built once when its route opens, refreshed in place by the poller. */
export interface View {
  /** The page's heading, focused after the user navigates to it. */
  readonly heading: HTMLElement;
  readonly title: string;
  /** Fetches and updates the page in place; throws on an API failure (the caller shows it). */
  refresh(): Promise<void>;
  destroy(): void;
}

/** How many days the charts and daily tables show, ending today. */
export const DAYS_SHOWN = 30;
