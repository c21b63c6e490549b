/** One line of the benchmark table: a figure and, where it has one, the baseline measured in the same run. */
export interface BenchRow {
  /** Stable id, e.g. `aggregate.shards_32.give_ups`. */
  readonly id?: string;
  readonly section: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: number;
  readonly baselineName?: string;
  readonly note?: string;
}
