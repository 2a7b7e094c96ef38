// Ollama's /api/chat through the `ollama` package. Usage: `prompt_eval_count` and
// `eval_count` on the final (`done: true`) message; Ollama reports no prompt cache, and
// omits `prompt_eval_count` when the whole prompt was already in its KV cache (that input
// is then estimated).
//
// The package has no timeout option and sends no AbortSignal for non-streamed calls, so
// each call gets a client whose `fetch` carries the deadline and the caller's signal.
// Clients are cheap (no connection pool of their own: keepAliveFetch's agents pool).
import { keepAliveFetch } from "./keep-alive-fetch";
import { Ollama, type ChatResponse, type Message } from "ollama";
import type { TProviderStreamEvent } from "./metered-stream";
import {
  LlmProviderError,
  abortedError,
  classifyTransportError,
  countToolCall,
  isRetryableStatus,
  timeoutError,
  trimBaseUrl,
  type TChatRequest,
  type TChatResult,
  type TLlmProviderOptions,
  type TToolCallCounts,
} from "./provider";
import { SdkProvider } from "./sdk-provider";
import { completeUsage, readTokenCount, type TReportedUsage } from "./usage-estimate";

/** Thrown by the fetch wrapper when the headers did not arrive in time. */
class HeadersTimeout extends Error {}

export class OllamaProvider extends SdkProvider {
  readonly name = "ollama" as const;
  private readonly host: string;
  private readonly headers: Record<string, string>;
  private readonly fetch: typeof fetch;

  constructor(options: TLlmProviderOptions) {
    super(options.timeoutMs);
    this.host = trimBaseUrl(options.baseUrl);
    this.fetch = options.fetch ?? keepAliveFetch;
    // Ollama itself needs no key; one is sent when set (a proxy in front of it, ollama.com).
    this.headers = options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {};
  }

  async chat(req: TChatRequest): Promise<TChatResult> {
    const response = await this.send(req, (signal) => this.client(signal ?? undefined).chat({ ...this.params(req), stream: false }));
    if (!response?.message) {
      throw new LlmProviderError(this.name, "malformed response: no message", { kind: "bad_response", retryable: true });
    }
    const text = response.message.content ?? "";
    const toolCalls: TToolCallCounts = {};
    const hidden = readToolCalls(response.message, toolCalls) + (response.message.thinking ?? "");
    return {
      text,
      toolCalls,
      model: response.model || req.model,
      usage: completeUsage(readUsage(response), req.messages, text + hidden, { provider: this.name, model: req.model }),
    };
  }

  protected async openStream(req: TChatRequest, signal: AbortSignal): Promise<AsyncIterable<TProviderStreamEvent>> {
    const parts = await this.client(signal).chat({ ...this.params(req), stream: true });
    return readStream(parts);
  }

  private params(req: TChatRequest) {
    return {
      model: req.model,
      messages: req.messages.map((message): Message => ({ role: message.role, content: message.content })),
      ...(req.maxOutputTokens === undefined ? {} : { options: { num_predict: req.maxOutputTokens } }),
    };
  }

  /**
   * A client whose requests fail after `timeoutMs` without response headers and abort
   * with `signal`. The signal stays attached to the body, so aborting ends a stream.
   */
  private client(signal: AbortSignal | undefined): Ollama {
    const timeoutMs = this.timeoutMs;
    const send = this.fetch;
    const timedFetch: typeof fetch = async (input, init) => {
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new HeadersTimeout()), timeoutMs);
      const signals = [deadline.signal];
      if (signal) signals.push(signal);
      if (init?.signal) signals.push(init.signal);
      try {
        return await send(input, { ...init, signal: AbortSignal.any(signals) });
      } catch (error) {
        if (deadline.signal.aborted && !signal?.aborted) throw new HeadersTimeout("timeout", { cause: error });
        throw error;
      } finally {
        clearTimeout(timer);
      }
    };
    return new Ollama({ host: this.host, fetch: timedFetch, headers: this.headers });
  }

  protected toError(error: unknown, signal?: AbortSignal): LlmProviderError {
    if (error instanceof LlmProviderError) return error;
    if (error instanceof HeadersTimeout) return timeoutError(this.name, this.timeoutMs, error);
    if (signal?.aborted) return abortedError(this.name, error);
    // The package's ResponseError is not exported; it is recognised by its fields.
    const status = (error as { status_code?: unknown }).status_code;
    if (error instanceof Error && error.name === "ResponseError" && typeof status === "number") {
      return new LlmProviderError(this.name, `HTTP ${status}: ${error.message}`, {
        kind: "http",
        retryable: isRetryableStatus(status),
        status,
        cause: error,
      });
    }
    if (error instanceof Error && error.name === "AbortError") return abortedError(this.name, error);
    // The package throws plain Errors for a stream that ended without its `done` line and
    // for an `{"error": ...}` line sent mid-stream.
    if (error instanceof Error && error.constructor === Error) {
      const truncated = error.message.startsWith("Did not receive done");
      return new LlmProviderError(this.name, truncated ? "the stream ended before the reply was finished" : error.message, {
        kind: truncated ? "bad_response" : "http",
        retryable: true,
        cause: error,
      });
    }
    return classifyTransportError(this.name, error);
  }
}

function readUsage(response: Pick<ChatResponse, "prompt_eval_count" | "eval_count">): TReportedUsage {
  return {
    inputTokens: readTokenCount(response.prompt_eval_count),
    outputTokens: readTokenCount(response.eval_count),
    // Ollama reports no prompt cache: the cached part is zero, not unknown.
    cachedInputTokens: 0,
  };
}

/** Counts the message's tool calls; returns their arguments as text (billed output). */
function readToolCalls(message: Message, counts: TToolCallCounts): string {
  let argumentsText = "";
  for (const call of message.tool_calls ?? []) {
    if (!call.function?.name) continue;
    countToolCall(counts, call.function.name);
    argumentsText += JSON.stringify(call.function.arguments ?? {});
  }
  return argumentsText;
}

async function* readStream(parts: AsyncIterable<ChatResponse>): AsyncGenerator<TProviderStreamEvent> {
  let modelSeen = false;
  for await (const part of parts) {
    if (!modelSeen && part.model) {
      modelSeen = true;
      yield { type: "model", model: part.model };
    }
    const message = part.message;
    if (message) {
      if (message.content) yield { type: "text", text: message.content };
      if (message.thinking) yield { type: "hidden_output", text: message.thinking };
      const counts: TToolCallCounts = {};
      const argumentsText = readToolCalls(message, counts);
      for (const [name, count] of Object.entries(counts)) {
        for (let i = 0; i < count; i += 1) yield { type: "tool_call", name };
      }
      if (argumentsText) yield { type: "hidden_output", text: argumentsText };
    }
    if (part.done) {
      yield { type: "usage", usage: readUsage(part) };
      yield { type: "finished" };
    }
  }
}
