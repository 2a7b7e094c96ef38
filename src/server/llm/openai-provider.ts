// OpenAI Chat Completions through the official SDK. Usage: `prompt_tokens` (cached part
// included), `prompt_tokens_details.cached_tokens`, `completion_tokens`; a stream asks
// for `stream_options.include_usage` and reads the final chunk, which has no choices.
import { keepAliveFetch } from "./keep-alive-fetch";
import OpenAI from "openai";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { TProviderStreamEvent } from "./metered-stream";
import {
  LlmProviderError,
  countToolCall,
  trimBaseUrl,
  type TChatRequest,
  type TChatResult,
  type TLlmProviderOptions,
  type TToolCallCounts,
} from "./provider";
import { SdkProvider, fromStainlessError } from "./sdk-provider";
import { completeUsage, readTokenCount, type TReportedUsage } from "./usage-estimate";

export class OpenAiProvider extends SdkProvider {
  readonly name = "openai" as const;
  private readonly client: OpenAI;

  constructor(options: TLlmProviderOptions) {
    if (!options.apiKey) {
      throw new LlmProviderError("openai", "openai is not configured: set OPENAI_API_KEY", {
        kind: "not_configured",
        retryable: true,
      });
    }
    super(options.timeoutMs);
    const base = trimBaseUrl(options.baseUrl);
    this.client = new OpenAI({
      apiKey: options.apiKey,
      // The SDK appends `/chat/completions`; accept a base URL given with or without `/v1`.
      baseURL: base.endsWith("/v1") ? base : `${base}/v1`,
      timeout: options.timeoutMs,
      maxRetries: 0,
      fetch: options.fetch ?? keepAliveFetch,
      // Set explicitly so the SDK does not pick these up from the environment.
      organization: null,
      project: null,
    });
  }

  async chat(req: TChatRequest): Promise<TChatResult> {
    const completion = await this.send(req, (signal) => this.client.chat.completions.create({ ...this.params(req), stream: false }, { signal }));
    const choice = completion.choices?.[0];
    if (!choice?.message) {
      throw new LlmProviderError("openai", "malformed response: no choices", { kind: "bad_response", retryable: true });
    }
    const text = choice.message.content ?? "";
    const toolCalls: TToolCallCounts = {};
    let toolArguments = "";
    for (const call of choice.message.tool_calls ?? []) {
      if (call.type === "function") {
        countToolCall(toolCalls, call.function.name);
        toolArguments += call.function.arguments;
      } else if (call.type === "custom") {
        countToolCall(toolCalls, call.custom.name);
        toolArguments += call.custom.input;
      }
    }
    return {
      text,
      toolCalls,
      model: completion.model || req.model,
      usage: completeUsage(readUsage(completion.usage), req.messages, text + toolArguments, { provider: this.name, model: req.model }),
    };
  }

  protected async openStream(req: TChatRequest, signal: AbortSignal): Promise<AsyncIterable<TProviderStreamEvent>> {
    const stream = await this.client.chat.completions.create({ ...this.params(req), stream: true, stream_options: { include_usage: true } }, { signal });
    return readStream(stream);
  }

  private params(req: TChatRequest): ChatCompletionCreateParamsBase {
    const messages: ChatCompletionMessageParam[] = req.messages.map((message) => ({
      role: message.role,
      content: message.content,
    }));
    return {
      model: req.model,
      messages,
      ...(req.maxOutputTokens === undefined ? {} : { max_completion_tokens: req.maxOutputTokens }),
    };
  }

  protected toError(error: unknown, signal?: AbortSignal): LlmProviderError {
    // An APIError without a status is an error object sent inside an otherwise successful stream.
    return fromStainlessError(this.name, OpenAI, this.timeoutMs, error, signal, () => true);
  }
}

function readUsage(usage: ChatCompletion["usage"] | null | undefined): TReportedUsage {
  if (!usage) return {};
  return {
    inputTokens: readTokenCount(usage.prompt_tokens),
    cachedInputTokens: readTokenCount(usage.prompt_tokens_details?.cached_tokens),
    outputTokens: readTokenCount(usage.completion_tokens),
  };
}

async function* readStream(chunks: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<TProviderStreamEvent> {
  let finishReasonSeen = false;
  let modelSeen = false;
  // A tool call's name arrives once, in the first delta for its index; later deltas for
  // the same index carry only argument fragments.
  const namedToolCalls = new Set<number>();
  for await (const chunk of chunks) {
    if (!modelSeen && chunk.model) {
      modelSeen = true;
      yield { type: "model", model: chunk.model };
    }
    // With include_usage every chunk has `usage: null` except the last, which has no choices.
    if (chunk.usage) yield { type: "usage", usage: readUsage(chunk.usage) };
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0) continue;
      const delta = choice.delta;
      if (delta?.content) yield { type: "text", text: delta.content };
      for (const call of delta?.tool_calls ?? []) {
        const name = call.function?.name;
        if (name && !namedToolCalls.has(call.index)) {
          namedToolCalls.add(call.index);
          yield { type: "tool_call", name };
        }
        if (call.function?.arguments) yield { type: "hidden_output", text: call.function.arguments };
      }
      if (choice.finish_reason) finishReasonSeen = true;
    }
  }
  // Only now: the usage chunk follows the one carrying finish_reason.
  if (finishReasonSeen) yield { type: "finished" };
}
