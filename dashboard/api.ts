/**
 * The analyst API as the dashboard uses it: every call carries `Authorization: Bearer <token>`,
 * the token coming from the sign-in adapter in use (sign-in.ts): locally the `#token=` link
 * `npm start` prints, in AWS the access token of the Cognito sign-in.
 */
import { localTokenSignIn } from './sign-in.ts';

let tokenSource: () => string | null = () => localTokenSignIn.token();

/** Which adapter supplies the bearer token (main.ts sets it once, from /dashboard-config.json). */
export function useTokenSource(source: () => string | null): void {
  tokenSource = source;
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

export { adoptTokenFromFragment } from './sign-in.ts';

export function currentToken(): string | null {
  return tokenSource();
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = currentToken();
  if (!token) throw new MissingTokenError('no API token');
  let res: Response;
  try {
    res = await fetch(path, { ...init, cache: 'no-store', headers: { ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  } catch {
    throw new ApiError(0, location.hostname === 'localhost' || location.hostname === '127.0.0.1' ? 'the local server is not answering (is npm start still running?)' : 'the server is not answering');
  }
  if (!res.ok) throw new ApiError(res.status, await errorMessage(res));
  return (await res.json()) as T;
}

/** Both error shapes the API uses: `{error: {code, message}}` and `{error: "Name", message}`. */
async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: unknown; message?: unknown };
    if (body.error && typeof body.error === 'object' && typeof (body.error as { message?: unknown }).message === 'string') return (body.error as { message: string }).message;
    if (typeof body.message === 'string') return body.message;
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
