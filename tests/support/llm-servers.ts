// Local stand-ins for the three LLM providers, speaking each one's real wire protocol
// closely enough for the official SDKs: OpenAI `POST /v1/chat/completions` (JSON, or SSE
// `data:` chunks ending with `data: [DONE]`, plus the usage chunk when
// `stream_options.include_usage`), Anthropic `POST /v1/messages` (JSON, or SSE
// message_start / content_block_* / message_delta / message_stop), Ollama
// `POST /api/chat` (JSON, or NDJSON lines ending with a `done: true` object).
//
// Replies are deterministic (see fakeReply) so tests can predict text and usage.
// Benchmarks can switch two things per set of servers (both off by default): `usage:
// "tokenizer"` reports each provider's billing count from gpt-tokenizer (billedUsage)
// instead of one token per word, and `replyText` answers with a given text instead of
// the echo.
// Behaviour switches per server: fail, hang, delayMs, dropAfterChunks, errorAfterChunks,
// omitUsage; counters of requests, streams and client disconnects.
//
// Standalone, for manual testing and benchmarks:
//   npx tsx tests/support/llm-servers.ts [--instant] [--delay-ms 25] [--api-key test-key]
//                                        [--ollama-port N] [--anthropic-port N] [--openai-port N]
// `--instant` streams with no delay between chunks (throughput benchmarks).
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";

export type TFakeProviderName = "ollama" | "anthropic" | "openai";

export type TFakeLlmBehaviour = {
  /** Answer every request with this HTTP status in the provider's error format (500, 529, 429, 401...). */
  fail: number | null;
  /** Read the request and never answer (timeouts). */
  hang: boolean;
  /** Milliseconds before each streamed chunk. */
  delayMs: number;
  /**
   * Destroy the socket after this many text-delta chunks of a stream (0: after the
   * stream's preamble, before any text). A non-streamed request gets its socket
   * destroyed without an answer.
   */
  dropAfterChunks: number | null;
  /** Send the provider's in-stream error event after this many text-delta chunks. */
  errorAfterChunks: number | null;
  /** Milliseconds a non-streamed answer takes (the model "thinking"). */
  answerDelayMs: number;
  /** Leave usage out of answers (an OpenAI-compatible server ignoring include_usage...). */
  omitUsage: boolean;
};

export type TFakeLlmStats = {
  /** Requests received on the chat endpoint. */
  requests: number;
  /** Of which asked to stream. */
  streams: number;
  /** Responses the client closed before they were complete. */
  disconnects: number;
};

export type TFakeLlmRequest = { path: string; headers: http.IncomingHttpHeaders; body: unknown };

export type TFakeLlmServer = {
  readonly provider: TFakeProviderName;
  /** Base URL to give the SDK (OpenAI's SDK also needs `/v1` appended). */
  readonly url: string;
  readonly behaviour: Readonly<TFakeLlmBehaviour>;
  readonly stats: Readonly<TFakeLlmStats>;
  readonly lastRequest: TFakeLlmRequest | null;
  set(behaviour: Partial<TFakeLlmBehaviour>): void;
  /** Default behaviour, counters at zero. */
  reset(): void;
};

export type TLlmServers = {
  ollama: TFakeLlmServer;
  anthropic: TFakeLlmServer;
  openai: TFakeLlmServer;
  /** The key OpenAI and Anthropic requests must carry. */
  apiKey: string;
  close(): Promise<void>;
};

export type TStartLlmServersOptions = {
  apiKey?: string;
  /** Defaults for every server (reset() returns to these). */
  behaviour?: Partial<TFakeLlmBehaviour>;
  host?: string;
  ports?: Partial<Record<TFakeProviderName, number>>;
  /**
   * How usage is counted. "words" (default): one token per word, so tests can predict it.
   * "tokenizer": each provider's billing count from gpt-tokenizer (see billedUsage).
   */
  usage?: "words" | "tokenizer";
  /** The reply's text for a conversation instead of "Echo: <last user message>" (replays). Tool calls are unchanged. */
  replyText?: (messages: readonly TFakeMessage[]) => string;
};

const DEFAULT_BEHAVIOUR: TFakeLlmBehaviour = {
  fail: null,
  hang: false,
  delayMs: 0,
  dropAfterChunks: null,
  errorAfterChunks: null,
  answerDelayMs: 0,
  omitUsage: false,
};

// ---------------------------------------------------------------------------------------
// The deterministic reply, shared by the three protocols

export const FAKE_TOOL_TRIGGER = "use tool";

export type TFakeMessage = { role: string; content: string };

export type TFakeReply = {
  text: string;
  /** The text as streamed: one delta per word, trailing whitespace attached. */
  deltas: string[];
  toolCalls: Array<{ name: string; arguments: Record<string, unknown> }>;
  /** Whole prompt, cached part included (Anthropic reports input_tokens = this - cached). */
  inputTokens: number;
  /** The system prompt's tokens when there is one (OpenAI and Anthropic only). */
  cachedInputTokens: number;
  outputTokens: number;
};

/** The request's maximum output: OpenAI's max_tokens / max_completion_tokens, Anthropic's max_tokens, Ollama's options.num_predict. */
function requestedMaxTokens(body: Record<string, unknown>): number | undefined {
  const options = body.options as Record<string, unknown> | undefined;
  const candidates = [body.max_tokens, body.max_completion_tokens, options?.num_predict];
  return candidates.find((value): value is number => typeof value === "number" && value > 0);
}

/** The fake tokenizer: one token per whitespace-separated word (not the estimate's rule). */
export function fakeTokenCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * The reply to a conversation: "Echo: <last user message>"; when that message contains
 * "use tool", also calls lookup_order twice and send_email once. Usage: one token per
 * word plus 3 per message for input; reply words plus 5 per tool call for output.
 */
export function fakeReply(messages: readonly TFakeMessage[], options: { cache: boolean; maxOutputTokens?: number }): TFakeReply {
  const lastUser = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const echo = `Echo: ${lastUser}`;
  // Like every provider, the reply stops at the request's maximum output (one token per word here).
  const words = echo.match(/\S+\s*/g) ?? [];
  const text = options.maxOutputTokens !== undefined && words.length > options.maxOutputTokens ? words.slice(0, options.maxOutputTokens).join("").trimEnd() : echo;
  const deltas = text.match(/\S+\s*/g) ?? [text];
  const toolCalls = lastUser.toLowerCase().includes(FAKE_TOOL_TRIGGER)
    ? [
        { name: "lookup_order", arguments: { order: "A-1" } },
        { name: "lookup_order", arguments: { order: "A-2" } },
        { name: "send_email", arguments: { to: "customer@example.com" } },
      ]
    : [];
  const inputTokens = messages.reduce((sum, m) => sum + fakeTokenCount(m.content) + 3, 0);
  const cachedInputTokens = options.cache
    ? messages.filter((m) => m.role === "system").reduce((sum, m) => sum + fakeTokenCount(m.content), 0)
    : 0;
  return { text, deltas, toolCalls, inputTokens, cachedInputTokens, outputTokens: fakeTokenCount(text) + 5 * toolCalls.length };
}

// ---------------------------------------------------------------------------------------
// Shared HTTP plumbing

type TStreamWriter = {
  /** Writes one chunk, honouring delayMs and the drop/error switches for text deltas. */
  chunk(data: string, isTextDelta?: boolean): Promise<boolean>;
  end(data?: string): void;
};

type TContext = {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  body: Record<string, unknown>;
  behaviour: TFakeLlmBehaviour;
  apiKey: string;
};

type TProtocol = {
  chatPath: string;
  /** Returns true when the request was handled (auth errors, health checks...). */
  preflight(ctx: TContext): boolean;
  error(res: http.ServerResponse, status: number, message: string): void;
  answer(ctx: TContext, reply: TFakeReply): void;
  stream(ctx: TContext, reply: TFakeReply, writer: TStreamWriter): Promise<void>;
  /** The in-stream error (errorAfterChunks). */
  streamError(): string;
  messages(body: Record<string, unknown>): TFakeMessage[];
  isStream(body: Record<string, unknown>): boolean;
  cache: boolean;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function sendJson(res: http.ServerResponse, status: number, payload: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

/** Text of a message content that is a string or an array of `{type: "text", text}` parts. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === "object" && "text" in part && typeof part.text === "string" ? part.text : ""))
      .join("");
  }
  return "";
}

function listMessages(value: unknown): TFakeMessage[] {
  if (!Array.isArray(value)) return [];
  return value.map((m: { role?: unknown; content?: unknown }) => ({
    role: typeof m?.role === "string" ? m.role : "user",
    content: contentText(m?.content),
  }));
}

const id = (prefix: string) => `${prefix}${randomBytes(9).toString("hex")}`;

function createWriter(ctx: TContext, onDrop: () => void): TStreamWriter {
  const { res, behaviour } = ctx;
  let textDeltas = 0;
  let first = true;
  const write = (data: string) =>
    new Promise<void>((resolve) => {
      res.write(data, () => resolve());
    });
  const corked = behaviour.delayMs === 0 && behaviour.dropAfterChunks === null;
  if (corked) res.cork();
  return {
    async chunk(data, isTextDelta = false) {
      if (res.destroyed) return false;
      if (isTextDelta && behaviour.dropAfterChunks !== null && textDeltas >= behaviour.dropAfterChunks) {
        onDrop();
        return false;
      }
      if (behaviour.delayMs > 0 && !first) await sleep(behaviour.delayMs);
      first = false;
      if (res.destroyed) return false;
      if (corked) res.write(data);
      else await write(data);
      if (isTextDelta) textDeltas += 1;
      return true;
    },
    end(data) {
      if (res.destroyed) return;
      if (data) res.write(data);
      res.end();
      if (corked) res.uncork();
    },
  };
}

/** Turns the default reply into the one a set of servers was started for (replyText, usage). */
type TReplyShaper = (provider: TFakeProviderName, model: string, messages: TFakeMessage[], reply: TFakeReply) => TFakeReply;

function createFakeServer(provider: TFakeProviderName, protocol: TProtocol, apiKey: string, defaults: TFakeLlmBehaviour, shape: TReplyShaper | null) {
  let behaviour: TFakeLlmBehaviour = { ...defaults };
  const stats: TFakeLlmStats = { requests: 0, streams: 0, disconnects: 0 };
  let lastRequest: TFakeLlmRequest | null = null;

  const server = http.createServer(async (req, res) => {
    res.on("close", () => {
      if (!res.writableFinished) stats.disconnects += 1;
    });
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const raw = await readBody(req).catch(() => null);
    if (raw === null) return;
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        protocol.error(res, 400, "request body is not valid JSON");
        return;
      }
    }
    const current = behaviour;
    const ctx: TContext = { req, res, body, behaviour: current, apiKey };
    if (protocol.preflight(ctx)) return;
    if (req.method !== "POST" || path !== protocol.chatPath) {
      protocol.error(res, 404, `no route for ${req.method} ${path}`);
      return;
    }
    stats.requests += 1;
    lastRequest = { path, headers: req.headers, body };
    const streaming = protocol.isStream(body);
    if (streaming) stats.streams += 1;

    if (current.hang) return; // the socket stays open until the client gives up or close()
    if (current.fail !== null) {
      protocol.error(res, current.fail, current.fail === 529 ? "Overloaded" : `simulated failure (HTTP ${current.fail})`);
      return;
    }
    const messages = protocol.messages(body);
    const echo = fakeReply(messages, { cache: protocol.cache, maxOutputTokens: requestedMaxTokens(body) });
    const reply = shape ? shape(provider, typeof body.model === "string" ? body.model : "", messages, echo) : echo;
    if (!streaming) {
      if (current.dropAfterChunks !== null) {
        req.socket.destroy();
        return;
      }
      if (current.answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, current.answerDelayMs));
      protocol.answer(ctx, reply);
      return;
    }
    // end(), not destroy(): what was written is flushed first, then the connection closes
    // in the middle of the chunked body, as when a provider's process dies.
    const writer = createWriter(ctx, () => {
      req.socket.end();
      setTimeout(() => req.socket.destroy(), 100).unref();
    });
    try {
      await protocol.stream(ctx, reply, writer);
    } catch {
      res.destroy();
    }
  });
  server.keepAliveTimeout = 5_000;

  const handle: TFakeLlmServer = {
    provider,
    url: "",
    get behaviour() {
      return behaviour;
    },
    get stats() {
      return stats;
    },
    get lastRequest() {
      return lastRequest;
    },
    set(partial) {
      behaviour = { ...behaviour, ...partial };
    },
    reset() {
      behaviour = { ...defaults };
      stats.requests = 0;
      stats.streams = 0;
      stats.disconnects = 0;
      lastRequest = null;
    },
  };
  return { server, handle };
}

// ---------------------------------------------------------------------------------------
// OpenAI: POST /v1/chat/completions

const openaiProtocol: TProtocol = {
  chatPath: "/v1/chat/completions",
  cache: true,
  messages: (body) => listMessages(body.messages),
  isStream: (body) => body.stream === true,
  preflight({ req, res, apiKey }) {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      sendJson(res, 401, {
        error: { message: "Incorrect API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" },
      });
      return true;
    }
    return false;
  },
  error(res, status, message) {
    const type = status === 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
    sendJson(res, status, { error: { message, type, param: null, code: null } });
  },
  answer({ res, body, behaviour }, reply) {
    const toolCalls = reply.toolCalls.map((call) => ({
      id: id("call_"),
      type: "function",
      function: { name: call.name, arguments: JSON.stringify(call.arguments) },
    }));
    sendJson(res, 200, {
      id: id("chatcmpl-"),
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      system_fingerprint: null,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: reply.text, refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
          logprobs: null,
          finish_reason: toolCalls.length ? "tool_calls" : "stop",
        },
      ],
      ...(behaviour.omitUsage ? {} : { usage: openaiUsage(reply) }),
    });
  },
  async stream({ res, body, behaviour }, reply, writer) {
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const base = { id: id("chatcmpl-"), object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: body.model };
    const chunk = (choices: unknown[], usage?: unknown) =>
      `data: ${JSON.stringify({ ...base, system_fingerprint: null, choices, ...(includeUsage ? { usage: usage ?? null } : {}) })}\n\n`;
    const delta = (d: Record<string, unknown>, finish: string | null = null) =>
      chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);

    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
    if (!(await writer.chunk(delta({ role: "assistant", content: "", refusal: null })))) return;
    for (const [index, text] of reply.deltas.entries()) {
      if (behaviour.errorAfterChunks === index) {
        writer.end(this.streamError());
        return;
      }
      if (!(await writer.chunk(delta({ content: text }), true))) return;
    }
    for (const [index, call] of reply.toolCalls.entries()) {
      const head = { index, id: id("call_"), type: "function", function: { name: call.name, arguments: "" } };
      if (!(await writer.chunk(delta({ tool_calls: [head] })))) return;
      const args = { index, function: { arguments: JSON.stringify(call.arguments) } };
      if (!(await writer.chunk(delta({ tool_calls: [args] })))) return;
    }
    if (!(await writer.chunk(delta({}, reply.toolCalls.length ? "tool_calls" : "stop")))) return;
    if (includeUsage && !behaviour.omitUsage) {
      if (!(await writer.chunk(chunk([], openaiUsage(reply))))) return;
    }
    writer.end("data: [DONE]\n\n");
  },
  streamError: () => `data: ${JSON.stringify({ error: { message: "The server had an error while processing your request.", type: "server_error" } })}\n\n`,
};

function openaiUsage(reply: TFakeReply) {
  return {
    prompt_tokens: reply.inputTokens,
    completion_tokens: reply.outputTokens,
    total_tokens: reply.inputTokens + reply.outputTokens,
    prompt_tokens_details: { cached_tokens: reply.cachedInputTokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

// ---------------------------------------------------------------------------------------
// Anthropic: POST /v1/messages

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

const anthropicProtocol: TProtocol = {
  chatPath: "/v1/messages",
  cache: true,
  messages(body) {
    const system = contentText(body.system);
    return [...(system ? [{ role: "system", content: system }] : []), ...listMessages(body.messages)];
  },
  isStream: (body) => body.stream === true,
  preflight({ req, res, apiKey }) {
    // SDK 1.x sends the key as a bearer token; older SDKs and curl use x-api-key.
    const authorized = req.headers["x-api-key"] === apiKey || req.headers.authorization === `Bearer ${apiKey}`;
    if (!authorized) {
      this.error(res, 401, "invalid x-api-key");
      return true;
    }
    if (!req.headers["anthropic-version"]) {
      this.error(res, 400, "anthropic-version: header is required");
      return true;
    }
    return false;
  },
  error(res, status, message) {
    sendJson(res, status, {
      type: "error",
      error: { type: ANTHROPIC_ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"), message },
      request_id: id("req_"),
    });
  },
  answer({ res, body, behaviour }, reply) {
    const content: unknown[] = [{ type: "text", text: reply.text, citations: null }];
    for (const call of reply.toolCalls) {
      content.push({ type: "tool_use", id: id("toolu_"), name: call.name, input: call.arguments, caller: { type: "direct" } });
    }
    sendJson(res, 200, {
      id: id("msg_"),
      type: "message",
      role: "assistant",
      model: body.model,
      content,
      stop_reason: reply.toolCalls.length ? "tool_use" : "end_turn",
      stop_sequence: null,
      ...(behaviour.omitUsage ? {} : { usage: anthropicUsage(reply, reply.outputTokens) }),
    });
  },
  async stream({ res, body, behaviour }, reply, writer) {
    const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
    const start = {
      id: id("msg_"),
      type: "message",
      role: "assistant",
      model: body.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // As the real API: output_tokens here is a placeholder, the count comes in message_delta.
      ...(behaviour.omitUsage ? {} : { usage: anthropicUsage(reply, 1) }),
    };
    if (!(await writer.chunk(event("message_start", { message: start })))) return;
    if (!(await writer.chunk(event("content_block_start", { index: 0, content_block: { type: "text", text: "", citations: null } })))) return;
    if (!(await writer.chunk(event("ping", {})))) return;
    for (const [index, text] of reply.deltas.entries()) {
      if (behaviour.errorAfterChunks === index) {
        writer.end(this.streamError());
        return;
      }
      if (!(await writer.chunk(event("content_block_delta", { index: 0, delta: { type: "text_delta", text } }), true))) return;
    }
    if (!(await writer.chunk(event("content_block_stop", { index: 0 })))) return;
    for (const [i, call] of reply.toolCalls.entries()) {
      const index = i + 1;
      const block = { type: "tool_use", id: id("toolu_"), name: call.name, input: {}, caller: { type: "direct" } };
      if (!(await writer.chunk(event("content_block_start", { index, content_block: block })))) return;
      const json = JSON.stringify(call.arguments);
      const half = Math.floor(json.length / 2);
      for (const partial_json of [json.slice(0, half), json.slice(half)]) {
        if (!(await writer.chunk(event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json } })))) return;
      }
      if (!(await writer.chunk(event("content_block_stop", { index })))) return;
    }
    const stop = { stop_reason: reply.toolCalls.length ? "tool_use" : "end_turn", stop_sequence: null };
    const usage = behaviour.omitUsage ? {} : { usage: { output_tokens: reply.outputTokens } };
    if (!(await writer.chunk(event("message_delta", { delta: stop, ...usage })))) return;
    writer.end(event("message_stop", {}));
  },
  streamError: () =>
    `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } })}\n\n`,
};

/** Anthropic's input_tokens leaves out the tokens read from the cache. */
function anthropicUsage(reply: TFakeReply, outputTokens: number) {
  return {
    input_tokens: reply.inputTokens - reply.cachedInputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: reply.cachedInputTokens,
    output_tokens: outputTokens,
    service_tier: "standard",
  };
}

// ---------------------------------------------------------------------------------------
// Ollama: POST /api/chat

const ollamaProtocol: TProtocol = {
  chatPath: "/api/chat",
  cache: false,
  messages: (body) => listMessages(body.messages),
  // Ollama streams unless told otherwise.
  isStream: (body) => body.stream !== false,
  preflight({ req, res }) {
    if (req.method === "GET" && req.url === "/") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end("Ollama is running");
      return true;
    }
    if (req.method === "GET" && req.url === "/api/version") {
      sendJson(res, 200, { version: "0.0.0-fake" });
      return true;
    }
    return false;
  },
  error(res, status, message) {
    sendJson(res, status, { error: message });
  },
  answer({ res, body, behaviour }, reply) {
    sendJson(res, 200, {
      model: body.model,
      created_at: new Date().toISOString(),
      message: { role: "assistant", content: reply.text, ...(reply.toolCalls.length ? { tool_calls: ollamaToolCalls(reply) } : {}) },
      ...ollamaDone(reply, behaviour),
    });
  },
  async stream({ res, body, behaviour }, reply, writer) {
    const line = (data: Record<string, unknown>) =>
      `${JSON.stringify({ model: body.model, created_at: new Date().toISOString(), ...data })}\n`;
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    // Ollama has no preamble: send the headers now, so a drop before the first delta
    // happens after the request was accepted, as on the other protocols.
    res.flushHeaders();
    for (const [index, text] of reply.deltas.entries()) {
      if (behaviour.errorAfterChunks === index) {
        writer.end(this.streamError());
        return;
      }
      if (!(await writer.chunk(line({ message: { role: "assistant", content: text }, done: false }), true))) return;
    }
    if (reply.toolCalls.length) {
      if (!(await writer.chunk(line({ message: { role: "assistant", content: "", tool_calls: ollamaToolCalls(reply) }, done: false })))) return;
    }
    writer.end(line({ message: { role: "assistant", content: "" }, ...ollamaDone(reply, behaviour) }));
  },
  streamError: () => `${JSON.stringify({ error: "an error was encountered while running the model: unexpected EOF" })}\n`,
};

function ollamaToolCalls(reply: TFakeReply) {
  return reply.toolCalls.map((call) => ({ function: { name: call.name, arguments: call.arguments } }));
}

function ollamaDone(reply: TFakeReply, behaviour: TFakeLlmBehaviour) {
  return {
    done: true,
    done_reason: "stop",
    total_duration: 1_000_000,
    load_duration: 100_000,
    ...(behaviour.omitUsage
      ? {}
      : { prompt_eval_count: reply.inputTokens, prompt_eval_duration: 200_000, eval_count: reply.outputTokens, eval_duration: 700_000 }),
  };
}

// ---------------------------------------------------------------------------------------
// Real token counts (usage: "tokenizer"), for benchmarks that compare our own counts
// (src/server/llm/context/tokenizers.ts) with what a provider bills. Written apart from
// that file on purpose, from each provider's documented framing, so that a mistake in one
// shows up as a difference:
//
// - OpenAI: exact. o200k_base (cl100k_base for gpt-4 and gpt-3.5), and the chat framing of
//   OpenAI's cookbook (num_tokens_from_messages): 3 per message + its role and content,
//   3 for the reply's priming. Completion: the reply's tokens.
// - Ollama: Llama 3's chat template, counted with cl100k_base (Llama 3's vocabulary is
//   cl100k_base's merges plus 28k more: equal on English text, never more elsewhere):
//   <|begin_of_text|>, then per message <|start_header_id|> role <|end_header_id|> "\n\n"
//   content (trimmed, as the template does) <|eot_id|>, then the assistant header that
//   primes the reply (4). Completion: the reply's tokens + <|eot_id|>.
// - Anthropic: a MODEL, not a reference. No Claude 3+ tokenizer is public, so this is the
//   same rule as ours (o200k_base x 1.25 per message, rounded up, + 4 for its framing):
//   a comparison against it checks only that what was counted is what was sent.
//
// No prompt caching is reported (cached tokens 0): OpenAI caches prompts of 1,024 tokens
// and more by prefix, Anthropic only where cache_control is set; neither is modelled.

type TCount = (text: string) => number;

export async function loadBilledUsage(): Promise<(provider: TFakeProviderName, model: string, messages: readonly TFakeMessage[], replyText: string) => Pick<TFakeReply, "inputTokens" | "cachedInputTokens" | "outputTokens">> {
  const plain = { disallowedSpecial: new Set<string>() };
  const [o200k, cl100k] = await Promise.all([import("gpt-tokenizer/encoding/o200k_base"), import("gpt-tokenizer/encoding/cl100k_base")]);
  const o200kCount: TCount = (text) => (text ? o200k.countTokens(text, plain) : 0);
  const cl100kCount: TCount = (text) => (text ? cl100k.countTokens(text, plain) : 0);
  return (provider, model, messages, replyText) => {
    if (provider === "openai") {
      const count = /^(openai\/)?gpt-(3\.5|4(?![o.]))/i.test(model) ? cl100kCount : o200kCount;
      const input = messages.reduce((sum, m) => sum + 3 + count(m.role) + count(m.content), 3);
      return { inputTokens: input, cachedInputTokens: 0, outputTokens: count(replyText) };
    }
    if (provider === "ollama") {
      const input = messages.reduce((sum, m) => sum + 4 + cl100kCount(m.role) + cl100kCount(m.content.trim()), 1 + 4);
      return { inputTokens: input, cachedInputTokens: 0, outputTokens: cl100kCount(replyText) + 1 };
    }
    const claude = (text: string) => Math.ceil(o200kCount(text) * 1.25);
    const input = messages.reduce((sum, m) => sum + 4 + claude(m.content), 0);
    return { inputTokens: input, cachedInputTokens: 0, outputTokens: claude(replyText) };
  };
}

async function replyShaper(options: TStartLlmServersOptions): Promise<TReplyShaper | null> {
  const { replyText } = options;
  const billed = options.usage === "tokenizer" ? await loadBilledUsage() : null;
  if (!replyText && !billed) return null;
  return (provider, model, messages, echo) => {
    const text = replyText ? replyText(messages) : echo.text;
    const reply = { ...echo, text, deltas: text.match(/\S+\s*/g) ?? [text] };
    if (!billed) return { ...reply, outputTokens: fakeTokenCount(text) + 5 * echo.toolCalls.length };
    return { ...reply, ...billed(provider, model, messages, text) };
  };
}

// ---------------------------------------------------------------------------------------

const PROTOCOLS: Record<TFakeProviderName, TProtocol> = {
  ollama: ollamaProtocol,
  anthropic: anthropicProtocol,
  openai: openaiProtocol,
};

export async function startLlmServers(options: TStartLlmServersOptions = {}): Promise<TLlmServers> {
  const apiKey = options.apiKey ?? "test-key";
  const host = options.host ?? "127.0.0.1";
  const defaults = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
  const shape = await replyShaper(options);
  const started = await Promise.all(
    (Object.keys(PROTOCOLS) as TFakeProviderName[]).map(async (provider) => {
      const { server, handle } = createFakeServer(provider, PROTOCOLS[provider], apiKey, defaults, shape);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.ports?.[provider] ?? 0, host, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      Object.defineProperty(handle, "url", { value: `http://${host}:${port}`, enumerable: true });
      return { provider, server, handle };
    }),
  );
  const byName = Object.fromEntries(started.map((s) => [s.provider, s.handle])) as Record<TFakeProviderName, TFakeLlmServer>;
  return {
    ...byName,
    apiKey,
    close: async () => {
      await Promise.all(
        started.map(
          ({ server }) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              // Hanging requests and idle keep-alive sockets would hold close() forever.
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

// ---------------------------------------------------------------------------------------
// Standalone

function readFlag(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const instant = args.includes("--instant");
  const delayMs = instant ? 0 : Number(readFlag(args, "--delay-ms") ?? 25);
  const port = (name: string) => {
    const value = readFlag(args, name);
    return value === undefined ? undefined : Number(value);
  };
  const servers = await startLlmServers({
    apiKey: readFlag(args, "--api-key") ?? "test-key",
    behaviour: { delayMs },
    ports: { ollama: port("--ollama-port"), anthropic: port("--anthropic-port"), openai: port("--openai-port") },
  });
  console.log(`Fake LLM providers (${instant ? "instant" : `${delayMs} ms between chunks`}), API key "${servers.apiKey}":`);
  console.log(`OLLAMA_BASE_URL=${servers.ollama.url}`);
  console.log(`ANTHROPIC_BASE_URL=${servers.anthropic.url}`);
  console.log(`OPENAI_BASE_URL=${servers.openai.url}`);
  console.log("Ctrl-C to stop.");
  const stop = () => {
    void servers.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
