/** A page of the dashboard: built once when its route opens, refreshed in place by the poller. */
export interface View {
  /** The page's heading, focused after the user navigates to it. */
  readonly heading: HTMLElement;
  readonly title: string;
  /** The route's parameters changed (e.g. the period): update in place, no rebuild. */
  setParams?(params: URLSearchParams): void;
  /** Fetches and updates the page in place; throws on an API failure (the caller shows it). */
  refresh(): Promise<void>;
  destroy(): void;
}



