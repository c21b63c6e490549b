/**
 * The analyst API as the dashboard uses it. `npm start` prints `http://localhost:<PORT>/#token=<token>`:
 * the token is read from the fragment once, kept in sessionStorage (gone when the tab closes),
 * removed from the address bar (so it is not bookmarked or shared in a screenshot), and sent
 * as `Authorization: Bearer` on every call.
 */

const TOKEN_KEY = 'reftrack.apiToken';

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

/** Moves `#token=...` from the address bar into sessionStorage and leaves the overview route in its place. */
export function adoptTokenFromFragment(): void {
  const fragment = location.hash.replace(/^#/, '');
  if (!fragment.startsWith('token=')) return;
  const token = decodeURIComponent(fragment.slice('token='.length).split('&')[0] ?? '');
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
}

export function currentToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = currentToken();
  if (!token) throw new MissingTokenError('no API token');
  let res: Response;
  try {
    res = await fetch(path, { ...init, cache: 'no-store', headers: { ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  } catch {
    throw new ApiError(0, 'the local server is not answering (is npm start still running?)');
  }
  if (!res.ok) throw new ApiError(res.status, await errorMessage(res));
  return (await res.json()) as T;
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

export const api = {
  vendors: () => call<VendorsResponse>('/api/v1/vendors'),
  rollups: (q: { vendor?: string; from: string; to: string }) => {
    const params = new URLSearchParams({ from: q.from, to: q.to });
    if (q.vendor) params.set('vendor', q.vendor);
    return call<RollupsResponse>(`/api/v1/rollups?${params}`);
  },
  cards: () => call<{ cards: ApprovalCard[] }>('/api/v1/outreach/cards'),
  moveCard: (vendor: string, status: CardStatus, note: string | null) =>
    call<{ card: ApprovalCard }>(`/api/v1/outreach/cards/${encodeURIComponent(vendor)}/status`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status, note }),
    }),
};
