/**
 * Reads a secret through the AWS Parameters and Secrets Lambda Extension (a Lambda layer whose
 * process serves `GET http://localhost:<port>/secretsmanager/get?secretId=<arn>` and makes the
 * GetSecretValue call itself). The redirect and the booking endpoint read their secrets this way
 * at cold start, so neither bundles the Secrets Manager client (~15 KiB and its init) for one
 * call per container. The answer has GetSecretValue's JSON shape.
 *
 * Lambda starts the function's init once the extension has registered, not once it serves: a
 * read during init can meet a refused connection or the extension's "not ready" answer (400).
 * Both are retried until `readyWithinMs`; any other answer fails at once.
 */
import type { SecretsExtensionConfig } from '../config/config.ts';
import { StoreUnavailableError } from '../core/errors.ts';
import type { SecretReader } from './visitor-key.ts';

export interface SecretsExtensionOptions {
  /** How long to wait for the extension to start serving, ms. */
  readonly readyWithinMs?: number;
  readonly retryEveryMs?: number;
}

/** Any answer of the extension other than a secret: its status and (short) text, for the log. */
export class SecretsExtensionAnswerError extends StoreUnavailableError {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`the Parameters and Secrets extension answered ${status}: ${detail.slice(0, 200)}`);
  }
}

export function secretsExtensionReader(cfg: SecretsExtensionConfig, opts: SecretsExtensionOptions = {}): SecretReader {
  const readyWithinMs = opts.readyWithinMs ?? 3_000;
  const retryEveryMs = opts.retryEveryMs ?? 20;
  return async (secretArn) => {
    const url = `http://localhost:${cfg.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT}/secretsmanager/get?secretId=${encodeURIComponent(secretArn)}`;
    // The extension refuses requests without the function's session token (its SSRF guard).
    const headers = { 'X-Aws-Parameters-Secrets-Token': cfg.AWS_SESSION_TOKEN ?? '' };
    const deadline = Date.now() + readyWithinMs;
    for (;;) {
      let notReady: unknown;
      try {
        const res = await fetch(url, { headers });
        const text = await res.text();
        if (res.ok) return (JSON.parse(text) as { SecretString?: string }).SecretString;
        if (res.status !== 400 || !/not ready/i.test(text)) throw new SecretsExtensionAnswerError(res.status, text);
        notReady = new SecretsExtensionAnswerError(res.status, text);
      } catch (error) {
        if (error instanceof SecretsExtensionAnswerError && notReady === undefined) throw error;
        // fetch() rejects with a TypeError when nothing listens yet (ECONNREFUSED in its cause).
        if (!(error instanceof TypeError) && notReady === undefined) throw error;
        notReady ??= error;
      }
      if (Date.now() >= deadline) throw new StoreUnavailableError(`the Parameters and Secrets extension did not serve within ${readyWithinMs} ms`, { cause: notReady });
      await new Promise((resolve) => setTimeout(resolve, retryEveryMs));
    }
  };
}
