// Anthropic Messages API through the official SDK. Usage: Anthropic's `input_tokens`
// excludes the prompt tokens read from or written to the cache, so the whole prompt is
// input + cache_read + cache_creation (normalised to TLlmUsage's meaning), and
// `cache_read_input_tokens` is the cached part. Streaming: message_start carries the
// input usage (its output_tokens is a placeholder, ignored), message_delta the
// cumulative output_tokens, message_stop ends the reply.
import { keepAliveFetch } from "./keep-alive-fetch";
import Anthropic from "@anthropic-ai/sdk";
import type {
  MessageCreateParamsBase,
  MessageDeltaUsage,
  MessageParam,
  RawMessageStreamEvent,
  Usage,
} from "@anthropic-ai/sdk/resources/messages";
import type { TProviderStreamEvent } from "./metered-stream";
import {
  LlmProviderError,
  countToolCall,
  trimBaseUrl,
  type TChatMessage,
  type TChatRequest,
  type TChatResult,
  type TLlmProviderOptions,
  type TToolCallCounts,
} from "./provider";
import { SdkProvider, fromStainlessError } from "./sdk-provider";
import { completeUsage, readTokenCount, type TReportedUsage } from "./usage-estimate";

/** The Messages API requires max_tokens; used when the request sets no limit. */
export const ANTHROPIC_DEFAULT_MAX_OUTPUT_TOKENS = 1024;

/** Error types a stream's `event: error` may carry that are worth another try. */
const RETRYABLE_ERROR_TYPES = new Set(["overloaded_error", "api_error", "rate_limit_error", "timeout_error"]);

export class AnthropicProvider extends SdkProvider {
  readonly name = "anthropic" as const;
  private readonly client: Anthropic;

  constructor(options: TLlmProviderOptions) {
    if (!options.apiKey) {
      throw new LlmProviderError("anthropic", "anthropic is not configured: set ANTHROPIC_API_KEY", {
        kind: "not_configured",
        retryable: true,
      });
    }
    super(options.timeoutMs);
    // An explicit apiKey also stops the SDK from resolving credentials from the
    // environment or from profile files on disk.
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: trimBaseUrl(options.baseUrl),
      timeout: options.timeoutMs,
      maxRetries: 0,
      fetch: options.fetch ?? keepAliveFetch,
    });
  }

  async chat(req: TChatRequest): Promise<TChatResult> {
    const message = await this.send(req, (signal) => this.client.messages.create({ ...this.params(req), stream: false }, { signal }));
    if (!Array.isArray(message.content)) {
      throw new LlmProviderError(this.name, "malformed response: no content", { kind: "bad_response", retryable: true });
    }
    let text = "";
    let hidden = "";
    const toolCalls: TToolCallCounts = {};
    for (const block of message.content) {
      if (block.type === "text") text += block.text;
      else if (block.type === "tool_use" || block.type === "server_tool_use") {
        countToolCall(toolCalls, block.name);
        hidden += JSON.stringify(block.input ?? {});
      }
    }
    return {
      text,
      toolCalls,
      model: message.model || req.model,
      usage: completeUsage(readUsage(message.usage), req.messages, text + hidden, { provider: this.name, model: req.model }),
    };
  }

  protected async openStream(req: TChatRequest, signal: AbortSignal): Promise<AsyncIterable<TProviderStreamEvent>> {
    const stream = await this.client.messages.create({ ...this.params(req), stream: true }, { signal });
    return readStream(stream);
  }

  private params(req: TChatRequest): MessageCreateParamsBase {
    const { system, messages } = toAnthropicMessages(req.messages);
    return {
      model: req.model,
      max_tokens: req.maxOutputTokens ?? ANTHROPIC_DEFAULT_MAX_OUTPUT_TOKENS,
      messages,
      ...(system === undefined ? {} : { system }),
    };
  }

  protected toError(error: unknown, signal?: AbortSignal): LlmProviderError {
    // An APIError without a status is an `event: error` inside a stream that had already
    // started (overloaded): retried when its type says so.
    return fromStainlessError(this.name, Anthropic, this.timeoutMs, error, signal, (sdkError) => {
      const type = (sdkError as InstanceType<typeof Anthropic.APIError>).type;
      return type === null || RETRYABLE_ERROR_TYPES.has(type);
    });
  }
}

/** System messages go to the top-level `system` field; the API has no system turns. */
export function toAnthropicMessages(messages: readonly TChatMessage[]): { system?: string; messages: MessageParam[] } {
  const system: string[] = [];
  const turns: MessageParam[] = [];
  for (const message of messages) {
    if (message.role === "system") system.push(message.content);
    else turns.push({ role: message.role, content: message.content });
  }
  return system.length > 0 ? { system: system.join("\n\n"), messages: turns } : { messages: turns };
}

function readUsage(usage: Usage | MessageDeltaUsage | null | undefined): TReportedUsage {
  if (!usage) return {};
  const uncached = readTokenCount(usage.input_tokens);
  const cacheRead = readTokenCount(usage.cache_read_input_tokens);
  const cacheWrite = readTokenCount(usage.cache_creation_input_tokens);
  return {
    inputTokens: uncached === undefined ? undefined : uncached + (cacheRead ?? 0) + (cacheWrite ?? 0),
    cachedInputTokens: uncached === undefined ? undefined : (cacheRead ?? 0),
    outputTokens: readTokenCount(usage.output_tokens),
  };
}

async function* readStream(events: AsyncIterable<RawMessageStreamEvent>): AsyncGenerator<TProviderStreamEvent> {
  for await (const event of events) {
    switch (event.type) {
      case "message_start": {
        if (event.message.model) yield { type: "model", model: event.message.model };
        const { inputTokens, cachedInputTokens } = readUsage(event.message.usage);
        yield { type: "usage", usage: { inputTokens, cachedInputTokens } };
        break;
      }
      case "content_block_start": {
        const block = event.content_block;
        if (block.type === "tool_use" || block.type === "server_tool_use") yield { type: "tool_call", name: block.name };
        else if (block.type === "text" && block.text) yield { type: "text", text: block.text };
        break;
      }
      case "content_block_delta": {
        const delta = event.delta;
        if (delta.type === "text_delta") yield { type: "text", text: delta.text };
        else if (delta.type === "input_json_delta") yield { type: "hidden_output", text: delta.partial_json };
        else if (delta.type === "thinking_delta") yield { type: "hidden_output", text: delta.thinking };
        break;
      }
      case "message_delta":
        // Cumulative; newer API versions repeat the input figures here too.
        yield { type: "usage", usage: readUsage(event.usage) };
        break;
      case "message_stop":
        yield { type: "finished" };
        break;
      case "content_block_stop":
        break;
    }
  }
}
