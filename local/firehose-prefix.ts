/**
 * The parts of Firehose's S3 delivery the local Firehose imitates: evaluating the S3 prefix
 * templates of EXPORT_DELIVERY (`!{partitionKeyFromQuery:..}`, `!{timestamp:..}`,
 * `!{firehose:..}`), the JQ metadata-extraction query (plain `.a.b` paths only, which is all the
 * export uses), and Firehose's object names.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { tz } from '@date-fns/tz';
import { format } from 'date-fns';
import { parseBusinessDay } from '../core/business-day.ts';
import { ConfigError, ValidationError } from '../core/errors.ts';

/** A record dynamic partitioning could not place: Firehose writes it under the error prefix. */
export class PartitioningError extends ValidationError {}

/** Evaluates a JQ path such as `.day` or `.a.b` on a parsed record. Anything richer is refused at start-up. */
function evaluateJqPath(query: string, record: unknown): unknown {
  if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(query)) throw new ConfigError(`local Firehose supports only JQ paths like ".day", not "${query}"`);
  let value: unknown = record;
  for (const field of query.slice(1).split('.')) {
    value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[field] : null;
  }
  return value ?? null;
}

/**
 * The partition keys of one record, as Firehose's metadata extraction would give them. A record
 * that is not JSON, or whose key is missing, null or not a scalar, cannot be partitioned. The
 * `day` key must also be a real calendar day: the real service would happily create `dt=garbage/`,
 * but no reader here could ever find that partition, so locally it is an error record.
 */
export function partitionKeys(data: Buffer, queries: Readonly<Record<string, string>>): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    throw new PartitioningError('record is not JSON');
  }
  const keys: Record<string, string> = {};
  for (const [name, query] of Object.entries(queries)) {
    const value = evaluateJqPath(query, json);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new PartitioningError(`partition key "${name}" (${query}) is ${value === null ? 'missing' : 'not a scalar'}`);
    }
    const text = String(value);
    if (name === 'day') {
      try {
        parseBusinessDay(text);
      } catch {
        throw new PartitioningError(`partition key "day" is not a day: "${text.slice(0, 20)}"`);
      }
    }
    if (text === '' || /[/\\]|^\.\.?$/.test(text)) throw new PartitioningError(`partition key "${name}" cannot be part of an S3 key: "${text.slice(0, 20)}"`);
    keys[name] = text;
  }
  return keys;
}

export interface PrefixContext {
  readonly partitionKeys?: Readonly<Record<string, string>>;
  /** Approximate arrival time of the record; `!{timestamp:..}` is always UTC in Firehose. */
  readonly arrival: Date;
  readonly errorOutputType?: string;
}

/** Evaluates an S3 prefix template the way Firehose does for one record. */
export function evaluatePrefix(template: string, ctx: PrefixContext): string {
  return template.replace(/!\{([a-zA-Z]+):([^}]*)\}/g, (_, namespace: string, arg: string) => {
    if (namespace === 'partitionKeyFromQuery') {
      const value = ctx.partitionKeys?.[arg];
      if (value === undefined) throw new PartitioningError(`no partition key "${arg}"`);
      return value;
    }
    if (namespace === 'timestamp') return format(ctx.arrival, arg, { in: tz('UTC') });
    if (namespace === 'firehose' && arg === 'error-output-type' && ctx.errorOutputType) return ctx.errorOutputType;
    if (namespace === 'firehose' && arg === 'random-string') return randomBytes(8).toString('base64url').slice(0, 11);
    throw new ConfigError(`local Firehose cannot evaluate !{${namespace}:${arg}} in prefix "${template}"`);
  });
}

/** `<stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>.gz`, the time being the first record's arrival (UTC). */
export function objectName(deliveryStreamName: string, version: number, firstArrival: Date): string {
  return `${deliveryStreamName}-${version}-${format(firstArrival, 'yyyy-MM-dd-HH-mm-ss', { in: tz('UTC') })}-${randomUUID()}.gz`;
}
