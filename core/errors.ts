/**
 * Every failure reftrack knows about is a ReftrackError subclass, so callers
 * match with `instanceof` and the HTTP layer maps them to a status in one place.
 */
export class ReftrackError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input from outside (path, query, CLI argument, stream image) that fails validation. */
export class ValidationError extends ReftrackError {}

/** A referral code that can never be a vendor code (bad characters, too long, empty). */
export class MalformedVendorCodeError extends ValidationError {}

/** A thing that was asked for by id and does not exist. */
export class NotFoundError extends ReftrackError {}

/** A write that lost to another writer or would break an invariant (e.g. an illegal status change). */
export class ConflictError extends ReftrackError {}

/** The caller has no valid credentials. */
export class UnauthorizedError extends ReftrackError {}

/** A backing store (DynamoDB, Firehose, Kinesis) could not be reached or refused the call. */
export class StoreUnavailableError extends ReftrackError {}

/** Misconfiguration detected at start-up; the message names the setting. */
export class ConfigError extends ReftrackError {}
