/** The real clock and click ids (ULIDs), behind the ports in core/ports.ts. */
import { monotonicFactory } from 'ulid';
import type { Clock, IdGenerator } from '../core/ports.ts';

export const systemClock: Clock = { now: () => new Date() };

/** Monotonic within a process, so ids of clicks in the same millisecond still sort in order. */
export function ulidGenerator(): IdGenerator {
  const nextUlid = monotonicFactory();
  return { clickId: (at) => nextUlid(at.getTime()) };
}
