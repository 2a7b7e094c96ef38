// One contract for every LLM provider. Adapters (ollama-, anthropic-, openai-provider.ts)
// speak their provider's protocol through its official SDK and report usage in the
// provider's own numbers; this file holds what callers and adapters share.

export type TLlmProviderName = "ollama" | "anthropic" | "openai";

export const LLM_PROVIDER_NAMES = ["ollama", "anthropic", "openai"] as const satisfies readonly TLlmProviderName[];

export type TChatMessage = { role: "system" | "user" | "assistant"; content: string };

export type TChatRequest = {
  model: string;
  messages: TChatMessage[];
  maxOutputTokens?: number;
  /** Abort the call (the HTTP client went away). Pass the incoming request's signal. */
  signal?: AbortSignal;
};

/**
 * Tokens of one call. `inputTokens` counts the whole prompt, cached part included, and
 * `cachedInputTokens` is the part of it served from the provider's prompt cache (OpenAI's
 * meaning; Anthropic's `input_tokens` excludes cache reads and writes, and is normalised
 * to this). A pricer charges (input - cached) at the input price and cached at the cached
 * price. `estimated`: at least one figure is our estimate, not the provider's report.
 */
export type TLlmUsage = { inputTokens: number; cachedInputTokens: number; outputTokens: number; estimated: boolean };

/** Tool name -> number of calls the model made in this reply. */
export type TToolCallCounts = Record<string, number>;

export type TChatResult = { text: string; usage: TLlmUsage; toolCalls: TToolCallCounts; model: string };

export type TStreamEvent = { type: "delta"; text: string } | { type: "done"; result: TChatResult };

/**
 * How a stream ended. `done` events arrive only for "completed"; the outcome covers every
 * ending, so metering reads the outcome, never the events:
 * - completed: the provider finished the reply;
 * - cancelled: the consumer stopped iterating or the request's signal fired;
 * - failed: the provider or the connection failed (timeouts included).
 * Usage is provider-reported where it was received and estimated otherwise (see
 * metered-stream.ts); it is never zero once the provider accepted the request.
 */
export type TStreamOutcome =
  | { status: "completed"; result: TChatResult }
  | { status: "cancelled"; result: TChatResult }
  | { status: "failed"; result: TChatResult; error: LlmProviderError };

/**
 * A stream of deltas that always accounts for itself. Iterating sends the request (lazily,
 * on the first `next()`); `outcome` settles once iteration has ended for any reason and
 * never rejects. Stopping early (`break`, `return()`) closes the provider connection.
 */
export type TStreamHandle = AsyncIterable<TStreamEvent> & { readonly outcome: Promise<TStreamOutcome> };

export interface LlmProvider {
  readonly name: TLlmProviderName;
  chat(req: TChatRequest): Promise<TChatResult>;
  stream(req: TChatRequest): TStreamHandle;
}

/** Constructor options shared by the adapters. */
export type TLlmProviderOptions = {
  /** Origin of the provider's API, without `/v1` (OpenAI's `/v1` is tolerated). */
  baseUrl: string;
  apiKey?: string;
  /**
   * Milliseconds to wait for the response headers, and, while streaming, for each next
   * piece of the body. A stream that keeps producing may run longer in total.
   */
  timeoutMs: number;
  /** The HTTP client the SDK calls through (default: keepAliveFetch, node:http with keep-alive). */
  fetch?: typeof fetch;
};

/**
 * - timeout: no answer (or no next stream chunk) within the configured time;
 * - connection: refused, reset, or closed mid-response;
 * - http: the provider answered with an error status (or an error event mid-stream);
 * - bad_response: the answer does not have the shape the protocol promises;
 * - aborted: the caller's signal fired (not worth falling back: the caller is gone);
 * - not_configured: the provider lacks its base URL or key in this deployment.
 */
export type TLlmErrorKind = "timeout" | "connection" | "http" | "bad_response" | "aborted" | "not_configured";

/**
 * Every failure of a provider call. `retryable` says whether the same call may succeed
 * later (timeouts, connection errors, 429, 5xx); adapters never retry themselves, and
 * fallback to the next provider is the caller's decision (fallback.ts).
 */
export class LlmProviderError extends Error {
  override name = "LlmProviderError";
  readonly provider: TLlmProviderName;
  readonly retryable: boolean;
  readonly status?: number;
  readonly kind: TLlmErrorKind;

  constructor(
    provider: TLlmProviderName,
    message: string,
    options: { kind: TLlmErrorKind; retryable: boolean; status?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.provider = provider;
    this.kind = options.kind;
    this.retryable = options.retryable;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** Rate limits and server errors may pass; any other 4xx will fail again the same way. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * An error's message followed by its causes' (`fetch failed: connect ECONNREFUSED ...`):
 * SDKs wrap the socket error that says what actually happened.
 */
export function describeErrorChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    const message = current instanceof Error ? current.message : String(current);
    const code = (current as { code?: unknown }).code;
    const part = typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message;
    if (part && !parts.includes(part)) parts.push(part);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ") || "unknown error";
}

/** Errors no SDK recognised: a malformed body is a bad response, anything else a broken connection. */
export function classifyTransportError(provider: TLlmProviderName, error: unknown): LlmProviderError {
  if (error instanceof LlmProviderError) return error;
  if (error instanceof SyntaxError) {
    return new LlmProviderError(provider, `malformed response: ${error.message}`, {
      kind: "bad_response",
      retryable: true,
      cause: error,
    });
  }
  return new LlmProviderError(provider, `connection failed: ${describeErrorChain(error)}`, {
    kind: "connection",
    retryable: true,
    cause: error,
  });
}

export function abortedError(provider: TLlmProviderName, cause?: unknown): LlmProviderError {
  return new LlmProviderError(provider, "the request was aborted by the caller", {
    kind: "aborted",
    retryable: false,
    cause,
  });
}

export function timeoutError(provider: TLlmProviderName, timeoutMs: number, cause?: unknown): LlmProviderError {
  return new LlmProviderError(provider, `no answer within ${timeoutMs} ms`, { kind: "timeout", retryable: true, cause });
}

/**
 * Adds one call of the named tool. Names come from the model, so "constructor" or
 * "__proto__" must count like any other name rather than hit Object.prototype.
 */
export function countToolCall(counts: TToolCallCounts, name: string): void {
  const previous = Object.hasOwn(counts, name) ? (counts[name] ?? 0) : 0;
  Object.defineProperty(counts, name, { value: previous + 1, enumerable: true, writable: true, configurable: true });
}

/** Removes trailing slashes so paths can be appended: `http://host:1/` -> `http://host:1`. */
export function trimBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "");
}

/**
 * `generator` as an iterable, with `onClosedUnread` called when it is closed before its first
 * next(): a generator returned then never runs its body, nor its finally, so whatever must
 * happen on every ending (settling an outcome) would not.
 */
export function iterateOnce<T>(generator: AsyncGenerator<T>, onClosedUnread: () => void): AsyncIterableIterator<T> {
  let started = false;
  return {
    next: () => {
      started = true;
      return generator.next();
    },
    return: (value?: unknown) => {
      if (!started) onClosedUnread();
      started = true;
      return generator.return(value as undefined);
    },
    throw: (error?: unknown) => generator.throw(error),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
