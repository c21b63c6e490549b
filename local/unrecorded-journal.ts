/**
 * Locally, a click that neither the event log nor the spill stream took (both engines down) is
 * also written to `<REFTRACK_DATA_DIR>/unrecorded.ndjson`, synced to disk before the guest is
 * answered. `npm start` re-appends from that file on its own, every few seconds and at the next
 * start, so no human has to run `reftrack recover`. Appends are idempotent by clickId, so a click
 * that did land after all (a write that timed out but succeeded) is simply "already present".
 *
 * The lines are the redirect's own `click-unrecorded` log lines, so
 * `reftrack recover --from-log .data/unrecorded.ndjson` reads the same file.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickEvent } from '../core/click-event.ts';
import type { ClickLog } from '../core/ports.ts';
import { parseUnrecordedLine, UNRECORDED_MESSAGE } from '../core/recovery.ts';

export interface ReplayResult {
  readonly appended: number;
  readonly alreadyPresent: number;
  /** Still failing (the event log is still down): kept for the next round. */
  readonly kept: number;
  readonly invalid: number;
}

export class UnrecordedJournal {
  readonly file: string;
  private readonly replaying: string;
  private running: Promise<ReplayResult> | undefined;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'unrecorded.ndjson');
    this.replaying = join(dataDir, 'unrecorded.replaying.ndjson');
  }

  /** Appends one click and syncs the file: it is on disk before the guest gets the 302. */
  keep(event: ClickEvent): void {
    this.appendLines([`${JSON.stringify({ message: UNRECORDED_MESSAGE, clickEvent: event })}\n`]);
  }

  /** True when there is something to re-append. */
  pending(): boolean {
    return existsSync(this.file) || existsSync(this.replaying);
  }

  /**
   * Re-appends every kept click. The file is renamed first, so clicks kept meanwhile go to a new
   * file and are never lost; what still fails is put back. A crash mid-way leaves the renamed
   * file, which the next round (or the next start) finishes.
   */
  replay(log: ClickLog): Promise<ReplayResult> {
    this.running ??= this.replayOnce(log).finally(() => (this.running = undefined));
    return this.running;
  }

  private async replayOnce(log: ClickLog): Promise<ReplayResult> {
    const tally = { appended: 0, alreadyPresent: 0, kept: 0, invalid: 0 };
    if (!existsSync(this.replaying)) {
      if (!existsSync(this.file)) return tally;
      renameSync(this.file, this.replaying);
    }
    const keepAgain: string[] = [];
    for (const line of readFileSync(this.replaying, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const parsed = parseUnrecordedLine(line);
      if (parsed.kind !== 'event') {
        tally.invalid++; // a torn last line after a crash: nothing a retry could fix
        continue;
      }
      try {
        const result = await log.append(parsed.event);
        if (result === 'appended') tally.appended++;
        else tally.alreadyPresent++;
      } catch {
        tally.kept++;
        keepAgain.push(`${line}\n`);
      }
    }
    if (keepAgain.length > 0) this.appendLines(keepAgain);
    rmSync(this.replaying, { force: true });
    return tally;
  }

  private appendLines(lines: readonly string[]): void {
    const fd = openSync(this.file, 'a', 0o600);
    try {
      writeSync(fd, lines.join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
