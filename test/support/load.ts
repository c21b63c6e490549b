/**
 * A bounded click load against a local server (loopback only), with undici keeping `concurrency`
 * connections open. Generous timeouts: on a loaded 2-core machine the server can take seconds to
 * answer; a request counts as a connection error only when it got no answer at all (latency is the
 * bench's business, not this helper's).
 */
import { Agent, request } from 'undici';

export interface LoadResult {
  /** ref_cid of every counted 302 (GET to a known vendor). */
  readonly clickIds: string[];
  readonly statuses: Map<number, number>;
  /** Requests that got no HTTP answer at all (server down). */
  readonly connectionErrors: number;
  /** How those requests failed (error code or name -> count), for a failure message. */
  readonly connectionErrorKinds: Record<string, number>;
}

const VENDORS = ['solare', 'smallgoods', 'puesto', 'boardbrew', 'wholefoods', 'totalwine', 'gbvintners'];
const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
];

/**
 * Sends `total` clicks; `onProgress(done)` runs after each answer (fault injection hooks into it).
 * Each worker is its own guest network: it connects from its own loopback address (127.0.0.2,
 * 127.0.0.3, ...; Linux routes all of 127/8 to lo), as concurrent guests come from many networks.
 * One network flooding a vendor takes the recount path instead (test/integration/rollup-exactness).
 */
export async function clickLoad(baseUrl: string, total: number, concurrency: number, onProgress?: (done: number) => void | Promise<void>): Promise<LoadResult> {
  const dispatchers = Array.from({ length: concurrency }, (_, w) => new Agent({ connections: 1, pipelining: 1, connect: { timeout: 15_000, localAddress: `127.0.${Math.floor((w + 2) / 250)}.${((w + 2) % 250) + 1}` } }));
  const clickIds: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  let done = 0;
  let connectionErrors = 0;
  const connectionErrorKinds: Record<string, number> = {};
  const worker = async (dispatcher: Agent) => {
    while (next < total) {
      const i = next++;
      try {
        const res = await request(`${baseUrl.replace("//localhost:", "//127.0.0.1:")}/ref/${VENDORS[i % VENDORS.length]}?utm_content=load`, { dispatcher, headers: { 'user-agent': AGENTS[i % AGENTS.length]! }, headersTimeout: 30_000 });
        await res.body.dump();
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        const location = res.headers.location;
        const id = typeof location === 'string' ? new URL(location).searchParams.get('ref_cid') : null;
        if (id) clickIds.push(id);
      } catch (error) {
        connectionErrors++;
        const kind = String((error as { code?: string }).code ?? (error as Error).name);
        connectionErrorKinds[kind] = (connectionErrorKinds[kind] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, 50));
      }
      done++;
      await onProgress?.(done);
    }
  };
  await Promise.all(dispatchers.map(worker));
  await Promise.all(dispatchers.map((d) => d.close()));
  return { clickIds, statuses, connectionErrors, connectionErrorKinds };
}
