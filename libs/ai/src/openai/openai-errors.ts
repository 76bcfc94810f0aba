import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';

/** How every OpenAI-compatible client of the AI lib connects. */
export interface OpenAiConnection {
  apiKey: string;
  /** e.g. `https://api.openai.com/v1` or any OpenAI-compatible server. */
  baseURL?: string;
  timeoutMs: number;
  /** SDK retries (with backoff) of 408/409/429/5xx and connection errors; default 2. */
  maxRetries?: number;
}

export function openAiClient(connection: OpenAiConnection): OpenAI {
  return new OpenAI({
    apiKey: connection.apiKey,
    baseURL: connection.baseURL || undefined,
    timeout: connection.timeoutMs,
    maxRetries: connection.maxRetries ?? 2,
  });
}

/** Turns SDK errors into plain Errors whose message names the operation, the HTTP status and the provider's reason. */
export function describeOpenAiError(what: string, error: unknown, timeoutMs: number): Error {
  if (error instanceof APIConnectionTimeoutError) {
    return new Error(`${what} timed out after ${timeoutMs} ms`, { cause: error });
  }
  if (error instanceof APIConnectionError) {
    // Duck-typed: undici's errors may come from another realm (jest), where instanceof Error fails.
    const reasons: string[] = [];
    let cause = error.cause as { message?: unknown; cause?: unknown } | undefined;
    for (; cause && typeof cause === 'object' && reasons.length < 3; cause = cause.cause as typeof cause) {
      if (typeof cause.message === 'string' && cause.message && cause.message !== '{}') reasons.push(cause.message);
    }
    return new Error(`${what} could not reach the API: ${reasons.join(': ') || error.message}`, { cause: error });
  }
  if (error instanceof APIError) {
    const body = error.error as { message?: unknown } | undefined;
    const reason =
      typeof body?.message === 'string' ? body.message : error.message.replace(/^\d{3}\s+/, '') || 'no details';
    return new Error(`${what} failed with HTTP ${error.status}: ${reason}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(`${what} failed: ${String(error)}`);
}
