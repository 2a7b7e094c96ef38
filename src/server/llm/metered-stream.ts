// The streaming half of every adapter. An adapter turns its SDK's stream into
// provider-neutral events; meteredStream turns those into the public TStreamHandle and
// guarantees the accounting:
//
// - The outcome always settles, whether the stream completes, the consumer stops
//   iterating (`break`, `return()`: the HTTP client disconnected), the request's signal
//   fires, the provider fails mid-reply, or nothing arrives for `idleTimeoutMs`.
// - Usage rule: each figure the provider reported wins (Anthropic sends input tokens in
//   message_start, output in message_delta; OpenAI and Ollama only at the end). A figure
//   not received is estimated (usage-estimate.ts): input from the prompt, output from all
//   the text the model produced so far, visible or not (tool-call arguments), and
//   `estimated` is set. Once the provider has accepted the request (2xx headers) the
//   input is therefore never zero; before that, nothing was consumed and usage is zero.
// - Stopping early aborts the underlying HTTP request, so the provider stops generating
//   (and billing) tokens nobody will read.
import {
  LlmProviderError,
  countToolCall,
  timeoutError,
  type TChatRequest,
  type TChatResult,
  type TLlmProviderName,
  type TStreamEvent,
  type TStreamHandle,
  type TStreamOutcome,
  type TToolCallCounts,
  iterateOnce,
} from "./provider";
import { completeUsage, type TReportedUsage } from "./usage-estimate";

/** What an adapter reads out of its provider's stream. */
export type TProviderStreamEvent =
  /** Reply text the user sees. */
  | { type: "text"; text: string }
  /** Output the user does not see but the provider bills (tool-call arguments, thinking). */
  | { type: "hidden_output"; text: string }
  | { type: "tool_call"; name: string }
  /** Provider-reported usage; each figure present replaces the previous report's. */
  | { type: "usage"; usage: TReportedUsage }
  | { type: "model"; model: string }
  /** The provider said the reply is complete (message_stop, finish_reason, done: true). */
  | { type: "finished" };

export type TMeteredStreamOptions = {
  provider: TLlmProviderName;
  request: TChatRequest;
  /** Longest wait for the stream to open and then for each next event. */
  idleTimeoutMs: number;
  /** Sends the request; resolves once the provider accepted it (2xx headers). */
  open(signal: AbortSignal): Promise<AsyncIterable<TProviderStreamEvent>>;
  /** Maps an SDK error to the provider error (abort and idle timeout are handled here). */
  toError(error: unknown): LlmProviderError;
};

type TStopReason = "consumer" | "signal" | "idle";

export function meteredStream(options: TMeteredStreamOptions): TStreamHandle {
  const { provider, request, idleTimeoutMs } = options;
  const controller = new AbortController();
  let stopReason: TStopReason | null = null;
  const stop = (reason: TStopReason) => {
    stopReason ??= reason;
    controller.abort();
  };
  const onCallerAbort = () => stop("signal");

  let opened = false;
  let text = "";
  let hiddenText = "";
  let model = request.model;
  const toolCalls: TToolCallCounts = {};
  const reported: TReportedUsage = {};

  const currentResult = (): TChatResult => ({
    text,
    model,
    toolCalls: { ...toolCalls },
    usage: opened
      ? completeUsage(reported, request.messages, text + hiddenText, { provider, model: request.model })
      : { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, estimated: false },
  });

  let resolveOutcome!: (outcome: TStreamOutcome) => void;
  const outcome = new Promise<TStreamOutcome>((resolve) => {
    resolveOutcome = resolve;
  });
  let settled = false;
  const settle = (value: TStreamOutcome) => {
    if (settled) return;
    settled = true;
    resolveOutcome(value);
  };

  /** The error a failure amounts to, or null when the stream was stopped on purpose. */
  const failureOf = (error: unknown): LlmProviderError | null => {
    if (stopReason === "idle") return timeoutError(provider, idleTimeoutMs, error);
    if (stopReason !== null) return null;
    return error instanceof LlmProviderError ? error : options.toError(error);
  };

  async function* run(): AsyncGenerator<TStreamEvent, void, undefined> {
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    // The timer runs only while we wait on the provider, not while a slow consumer
    // holds a delta: backpressure from the HTTP client is not a provider stall.
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => stop("idle"), idleTimeoutMs);
    };
    const pauseIdle = () => clearTimeout(idleTimer);
    request.signal?.addEventListener("abort", onCallerAbort, { once: true });
    if (request.signal?.aborted) stop("signal");

    try {
      let finished = false;
      try {
        if (stopReason !== null) return;
        armIdle();
        const events = await options.open(controller.signal);
        opened = true;
        for await (const event of events) {
          armIdle();
          switch (event.type) {
            case "text":
              if (event.text === "") break;
              text += event.text;
              pauseIdle();
              yield { type: "delta", text: event.text };
              // Stopped while the consumer held the delta: do not wait on the provider again.
              if (stopReason !== null) return;
              armIdle();
              break;
            case "hidden_output":
              hiddenText += event.text;
              break;
            case "tool_call":
              countToolCall(toolCalls, event.name);
              break;
            case "usage":
              Object.assign(reported, definedOnly(event.usage));
              break;
            case "model":
              if (event.model) model = event.model;
              break;
            case "finished":
              finished = true;
              break;
          }
        }
      } catch (error) {
        const failure = failureOf(error);
        if (failure === null) return; // stopped on purpose: the finally block settles "cancelled"
        settle({ status: "failed", result: currentResult(), error: failure });
        throw failure;
      } finally {
        pauseIdle();
      }
      // SDKs end their iterators quietly when aborted, so a quiet end is not a completion
      // unless the provider said the reply was finished.
      if (stopReason === "idle") {
        const failure = timeoutError(provider, idleTimeoutMs);
        settle({ status: "failed", result: currentResult(), error: failure });
        throw failure;
      }
      if (stopReason !== null) return;
      if (!finished) {
        const failure = new LlmProviderError(provider, "the stream ended before the reply was finished", {
          kind: "bad_response",
          retryable: true,
        });
        settle({ status: "failed", result: currentResult(), error: failure });
        throw failure;
      }
      const result = currentResult();
      settle({ status: "completed", result });
      yield { type: "done", result };
    } finally {
      request.signal?.removeEventListener("abort", onCallerAbort);
      if (!settled) {
        // Reached only when iteration was abandoned (return()) or stopped by the signal.
        stop("consumer");
        settle({ status: "cancelled", result: currentResult() });
      }
    }
  }

  // Closed before the first next(): settle here, nothing was sent.
  const iterator = iterateOnce(run(), () => settle({ status: "cancelled", result: currentResult() }));
  return { [Symbol.asyncIterator]: () => iterator, outcome };
}

function definedOnly(usage: TReportedUsage): TReportedUsage {
  const result: TReportedUsage = {};
  if (usage.inputTokens !== undefined) result.inputTokens = usage.inputTokens;
  if (usage.cachedInputTokens !== undefined) result.cachedInputTokens = usage.cachedInputTokens;
  if (usage.outputTokens !== undefined) result.outputTokens = usage.outputTokens;
  return result;
}
