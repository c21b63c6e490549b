/** The bench's one printed table, and the figures that miss their targets. */
import { table } from '../cli/command.ts';
import { describeTarget, targetVerdict, type BenchRow } from './row.ts';

export function formatNumber(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '';
  const abs = Math.abs(n);
  return abs >= 100 ? n.toFixed(0) : abs >= 1 ? n.toFixed(2) : n.toFixed(3);
}

export function renderTable(rows: readonly BenchRow[]): string {
  return table(
    ['id', 'figure', 'value', 'unit', 'baseline (same run)', 'ratio', 'target', 'note'],
    rows.map((r) => {
      const verdict = targetVerdict(r);
      return [
        r.id,
        r.metric,
        formatNumber(r.value),
        r.unit,
        r.baseline === undefined ? '' : `${formatNumber(r.baseline)} ${r.baselineName ?? ''}`.trim(),
        r.baseline ? `${(r.value / r.baseline).toFixed(2)}x` : '',
        verdict === 'none' ? '' : `${describeTarget(r.target)} ${verdict === 'met' ? 'met' : 'MISSED'}`,
        r.note ?? '',
      ];
    }),
  );
}

export function missedTargets(rows: readonly BenchRow[]): BenchRow[] {
  return rows.filter((r) => targetVerdict(r) === 'missed');
}
