/**
 * The analyst API as the dashboard uses it, with the credential from the token source
 * (auth.ts) sent as `Authorization: Bearer` on every call.
 */

import { fragmentTokenSource, type TokenSource } from './auth.ts';

/** Swapped by a deployment's sign-in (see auth.ts); locally the token from the `#token=` link. */
export let tokens: TokenSource = fragmentTokenSource;
export function useTokenSource(source: TokenSource): void {
  tokens = source;
}

export interface Figures {
  readonly clicks: number;
  readonly botClicks: number;
  readonly humanClicks: number;
  readonly uniqueVisitors: number;
  readonly qualifiedClicks: number;
  readonly firstClickAt: string | null;
  readonly lastClickAt: string | null;
}

export interface VendorSummary {
  readonly code: string;
  readonly name: string;
  readonly status: string;
  readonly link: string;
  readonly totals: Figures;
}

export interface VendorsResponse {
  readonly timeZone: string;
  readonly vendors: VendorSummary[];
}

export interface DayFigures extends Figures {
  readonly day: string;
}

export interface RollupsResponse {
  readonly timeZone: string;
  /** The vendor code, or `*` for all vendors. */
  readonly vendor: string;
  readonly from: string;
  readonly to: string;
  readonly days: DayFigures[];
  readonly total: Figures;
}

export type CardStatus = 'pending-send' | 'approved' | 'sent' | 'rejected';

export interface CardHistoryEntry {
  readonly from: CardStatus | null;
  readonly to: CardStatus;
  readonly at: string;
  readonly note: string | null;
}

export interface ApprovalCard {
  readonly vendorCode: string;
  readonly vendorName: string | null;
  readonly cardType: string;
  readonly previewUrl: string;
  readonly status: CardStatus;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly history: CardHistoryEntry[];
}

/** An API answer other than 2xx, with the server's message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** No token at all: the page was opened without the link npm start prints. */
export class MissingTokenError extends Error {
  override name = 'MissingTokenError';
}

export function currentToken(): string | null {
  return tokens.current();
}

export async function call<T>(path: string, init: RequestInit = {}, token: string | null = currentToken()): Promise<T> {
  if (!token) throw new MissingTokenError('no API token');
  let res: Response;
  try {
    res = await fetch(path, { ...init, cache: 'no-store', headers: { ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  } catch {
    throw new ApiError(0, 'the server is not answering');
  }
  if (!res.ok) throw new ApiError(res.status, await errorMessage(res));
  const body = (await res.json()) as T;
  const zone = (body as { timeZone?: unknown } | null)?.timeZone;
  if (typeof zone === 'string' && zone !== businessTimeZone()) {
    lastTimeZone = zone;
    try {
      localStorage.setItem(ZONE_KEY, zone);
    } catch {
      /* storage refused (private mode): remembered for this page only */
    }
  }
  return body;
}

/**
 * The business time zone the API last named; every time on the page is shown in it. Kept in
 * localStorage (it is the deployment's, not a secret), so a page opened again knows today's
 * business day before the first answer and asks for everything at once.
 */
const ZONE_KEY = 'reftrack.timeZone';
let lastTimeZone: string | undefined;
export function businessTimeZone(): string | undefined {
  if (lastTimeZone === undefined) {
    try {
      const stored = localStorage.getItem(ZONE_KEY) ?? undefined;
      if (stored) new Intl.DateTimeFormat('en-US', { timeZone: stored }); // throws on a zone this browser does not know
      lastTimeZone = stored;
    } catch {
      /* no storage, or a stored value that is no time zone: wait for the API's */
    }
  }
  return lastTimeZone;
}

/** The API's error shape (http/errors.ts): `{error: {code, message}}`. */
async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    /* not JSON: fall through to the status text */
  }
  return `${res.status} ${res.statusText}`.trim();
}

export interface BreakdownRow {
  readonly value: string;
  readonly clicks: number;
  readonly qualifiedClicks: number;
}

export interface BreakdownResponse {
  readonly timeZone: string;
  readonly vendor: string;
  readonly by: string;
  readonly from: string;
  readonly to: string;
  readonly rows: BreakdownRow[];
  readonly total: { readonly clicks: number; readonly qualifiedClicks: number };
}

/** What a figures page reads: the analyst API (one vendor or all), or the vendor portal's own. */
export interface FiguresSource {
  rollups(q: { from: string; to: string }): Promise<RollupsResponse>;
  /** Several dimensions of one period in one request. */
  breakdowns(q: { from: string; to: string; by: readonly string[] }): Promise<BreakdownResponse[]>;
}

/** The API's answer for several dimensions at once (`by=a,b,...`). */
export interface BreakdownsResponse {
  readonly breakdowns: BreakdownResponse[];
}

/** `by` as the API takes it; one dimension gets the single answer, wrapped the same way. */
export function breakdownsQuery(q: { from: string; to: string; by: readonly string[] }): Record<string, string> {
  return { from: q.from, to: q.to, by: q.by.join(',') };
}
export function breakdownsOf(answer: BreakdownResponse | BreakdownsResponse): BreakdownResponse[] {
  return 'breakdowns' in answer ? answer.breakdowns : [answer];
}

/** The analyst API for one vendor, or all vendors when `vendor` is undefined. */
export function analystFigures(vendor?: string): FiguresSource {
  const params = (q: Record<string, string>) => {
    const p = new URLSearchParams(q);
    if (vendor) p.set('vendor', vendor);
    return p;
  };
  return {
    rollups: (q) => call<RollupsResponse>(`/api/v1/rollups?${params(q)}`),
    breakdowns: async (q) => breakdownsOf(await call<BreakdownResponse | BreakdownsResponse>(`/api/v1/breakdowns?${params(breakdownsQuery(q))}`)),
  };
}

export const api = {
  vendors: () => call<VendorsResponse>('/api/v1/vendors'),
  cards: () => call<{ cards: ApprovalCard[] }>('/api/v1/outreach/cards'),
  moveCard: (vendor: string, status: CardStatus, note: string | null) =>
    call<{ card: ApprovalCard }>(`/api/v1/outreach/cards/${encodeURIComponent(vendor)}/status`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status, note }),
    }),
};
