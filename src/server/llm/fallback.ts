// Provider fallback: try each (provider, model) of a chain in order until one answers.
// Any LlmProviderError moves on, retryable or not: a 401 from one provider (a revoked
// key) says nothing about the next. Only the caller's own abort stops the chain.
// Streams fall back only before their first delta: once the user has seen text, a second
// provider would start a different reply, so a later failure ends the stream with what
// was produced, and that partial reply is metered.
import { AppError } from "@/server/errors/app-error";
import {
  LlmProviderError,
  type LlmProvider,
  type TChatRequest,
  type TChatResult,
  type TLlmProviderName,
  type TStreamEvent,
  type TStreamOutcome,
  iterateOnce,
} from "./provider";

export type TProviderChainEntry = { provider: LlmProvider; model: string };

/** A provider that was tried and failed before the one that answered (if any). */
export type TFailedAttempt = { provider: TLlmProviderName; model: string; error: LlmProviderError };

/** The request without its model: each chain entry names its own. */
export type TFallbackRequest = Omit<TChatRequest, "model">;

export type TChatWithFallbackResult = {
  result: TChatResult;
  provider: TLlmProviderName;
  model: string;
  attempts: TFailedAttempt[];
};

/** How a fallback stream ended, and which provider produced what it delivered. */
export type TFallbackStreamOutcome = TStreamOutcome & {
  provider: TLlmProviderName;
  model: string;
  attempts: TFailedAttempt[];
};

/**
 * Iterate for the deltas. `outcome` settles once iteration has ended: it resolves with
 * the serving provider's outcome (completed, cancelled, or failed after its first
 * delta, with partial usage), or rejects with AllProvidersFailedError when no provider
 * produced anything, the same error iteration throws. A rejected outcome nobody awaits
 * does not count as an unhandled rejection.
 */
export type TFallbackStreamHandle = AsyncIterable<TStreamEvent> & { readonly outcome: Promise<TFallbackStreamOutcome> };

export class AllProvidersFailedError extends AppError {
  override name = "AllProvidersFailedError";
  readonly attempts: readonly TFailedAttempt[];

  constructor(attempts: readonly TFailedAttempt[]) {
    const message =
      attempts.length === 0
        ? "No LLM provider is configured for this request"
        : `All LLM providers failed: ${attempts
            .map((a) => `${a.provider} (${a.model}): ${a.error.message}`)
            .join("; ")}`;
    super("PROVIDERS_UNAVAILABLE", message, {
      attempts: attempts.map((a) => ({
        provider: a.provider,
        model: a.model,
        message: a.error.message,
        kind: a.error.kind,
        status: a.error.status ?? null,
      })),
    });
    this.attempts = attempts;
  }
}

/** Whether a failure should move the chain on (anything but the caller giving up). */
function movesOn(error: unknown, signal: AbortSignal | undefined): error is LlmProviderError {
  return error instanceof LlmProviderError && error.kind !== "aborted" && !signal?.aborted;
}

export async function chatWithFallback(
  chain: readonly TProviderChainEntry[],
  req: TFallbackRequest,
): Promise<TChatWithFallbackResult> {
  const attempts: TFailedAttempt[] = [];
  for (const { provider, model } of chain) {
    try {
      const result = await provider.chat({ ...req, model });
      return { result, provider: provider.name, model, attempts };
    } catch (error) {
      if (!movesOn(error, req.signal)) throw error;
      attempts.push({ provider: provider.name, model, error });
    }
  }
  throw new AllProvidersFailedError(attempts);
}

export function streamWithFallback(
  chain: readonly TProviderChainEntry[],
  req: TFallbackRequest,
): TFallbackStreamHandle {
  let resolveOutcome!: (outcome: TFallbackStreamOutcome) => void;
  let rejectOutcome!: (error: unknown) => void;
  const outcome = new Promise<TFallbackStreamOutcome>((resolve, reject) => {
    resolveOutcome = resolve;
    rejectOutcome = reject;
  });
  // Callers that meter from the iteration's error alone need not await the outcome.
  outcome.catch(() => undefined);

  async function* run(): AsyncGenerator<TStreamEvent, void, undefined> {
    const attempts: TFailedAttempt[] = [];
    try {
      for (const { provider, model } of chain) {
        const handle = provider.stream({ ...req, model });
        const events = handle[Symbol.asyncIterator]();
        const serve = async () => resolveOutcome({ ...(await handle.outcome), provider: provider.name, model, attempts });
        let delivered = false;
        let ended = false;
        try {
          while (true) {
            let step: IteratorResult<TStreamEvent>;
            try {
              step = await events.next();
            } catch (error) {
              ended = true;
              if (!delivered && movesOn(error, req.signal)) {
                attempts.push({ provider: provider.name, model, error });
                break; // next provider
              }
              if (error instanceof LlmProviderError) {
                // After the first delta (or once the caller gave up): end quietly; the
                // outcome says "failed" and carries the partial, metered result.
                await serve();
                return;
              }
              throw error;
            }
            if (step.done) {
              ended = true;
              await serve();
              return;
            }
            if (step.value.type === "delta") delivered = true;
            yield step.value;
          }
        } finally {
          if (!ended) {
            // The consumer stopped: let the provider stream close and meter what it produced.
            await events.return?.();
            await serve();
          }
        }
      }
      throw new AllProvidersFailedError(attempts);
    } catch (error) {
      rejectOutcome(error);
      throw error;
    }
  }

  // Abandoned before the first next(): no provider was asked, there is nothing to meter.
  const iterator = iterateOnce(run(), () => rejectOutcome(new Error("the stream was closed before it was read: no provider was asked")));
  return { [Symbol.asyncIterator]: () => iterator, outcome };
}
