// The three provider adapters, each through its official SDK over real HTTP against
// local servers speaking the provider's wire protocol (tests/support/llm-servers.ts).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createProvider, type TLlmConfig } from "@/server/llm/create-provider";
import { AllProvidersFailedError, chatWithFallback, streamWithFallback } from "@/server/llm/fallback";
import {
  LLM_PROVIDER_NAMES,
  LlmProviderError,
  type LlmProvider,
  type TChatMessage,
  type TChatResult,
  type TLlmProviderName,
  type TStreamHandle,
} from "@/server/llm/provider";
import { estimatePromptTokens } from "@/server/llm/usage-estimate";
import { AppError } from "@/server/errors/app-error";
import { fakeReply, startLlmServers, type TLlmServers } from "../../support/llm-servers";

const MODELS: Record<TLlmProviderName, string> = { ollama: "llama3.2", anthropic: "claude-haiku-4-5", openai: "gpt-4o-mini" };

const conversation: TChatMessage[] = [
  { role: "system", content: "You are the support assistant of Acme Widgets" },
  { role: "user", content: "Where is my order, please?" },
];
const toolConversation: TChatMessage[] = [{ role: "user", content: "Please use tool to check orders" }];

let servers: TLlmServers;

beforeAll(async () => {
  servers = await startLlmServers();
});

afterAll(async () => {
  await servers?.close();
});

beforeEach(() => {
  for (const name of LLM_PROVIDER_NAMES) servers[name].reset();
});

function config(overrides: Partial<TLlmConfig> = {}): TLlmConfig {
  return {
    ollamaBaseUrl: servers.ollama.url,
    anthropicBaseUrl: servers.anthropic.url,
    anthropicApiKey: servers.apiKey,
    openaiBaseUrl: servers.openai.url,
    openaiApiKey: servers.apiKey,
    timeoutMs: 5_000,
    ...overrides,
  };
}

function provider(name: TLlmProviderName, overrides: Partial<TLlmConfig> = {}): LlmProvider {
  return createProvider(name, config(overrides));
}

/** What the fake server will answer, usage in TLlmUsage's terms (Ollama reports no cache). */
function expected(name: TLlmProviderName, messages: TChatMessage[]) {
  const reply = fakeReply(messages, { cache: name !== "ollama" });
  return {
    ...reply,
    usage: { inputTokens: reply.inputTokens, cachedInputTokens: reply.cachedInputTokens, outputTokens: reply.outputTokens, estimated: false },
  };
}

type TCollected = { deltas: string[]; done: TChatResult | null; error: unknown };

async function collect(handle: TStreamHandle | AsyncIterable<{ type: string }>, stopAfterDeltas = Infinity): Promise<TCollected> {
  const collected: TCollected = { deltas: [], done: null, error: null };
  try {
    for await (const event of handle as TStreamHandle) {
      if (event.type === "delta") collected.deltas.push(event.text);
      else collected.done = event.result;
      if (collected.deltas.length >= stopAfterDeltas) break;
    }
  } catch (error) {
    collected.error = error;
  }
  return collected;
}

/** A port nothing listens on. */
async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe.each(LLM_PROVIDER_NAMES)("%s adapter", (name) => {
  const model = MODELS[name];

  it("answers with the usage the provider reported", async () => {
    const want = expected(name, conversation);
    const result = await provider(name).chat({ model, messages: conversation, maxOutputTokens: 200 });
    expect(result).toEqual({ text: want.text, usage: want.usage, toolCalls: {}, model });
    // Cached tokens come through where the provider reports them (system prompt cached).
    if (name === "ollama") expect(result.usage.cachedInputTokens).toBe(0);
    else expect(result.usage.cachedInputTokens).toBeGreaterThan(0);
  });

  it("streams the reply in deltas, then a done event with the provider's usage", async () => {
    const want = expected(name, conversation);
    const handle = provider(name).stream({ model, messages: conversation });
    const { deltas, done, error } = await collect(handle);
    expect(error).toBeNull();
    expect(deltas).toEqual(want.deltas);
    expect(deltas.length).toBeGreaterThan(1);
    expect(done).toEqual({ text: want.text, usage: want.usage, toolCalls: {}, model });
    expect(await handle.outcome).toEqual({ status: "completed", result: done });
    expect(servers[name].stats.streams).toBe(1);
  });

  it("streamed usage equals the unstreamed usage of the same request", async () => {
    const adapter = provider(name);
    const chat = await adapter.chat({ model, messages: conversation });
    const handle = adapter.stream({ model, messages: conversation });
    await collect(handle);
    const outcome = await handle.outcome;
    expect(outcome.result.usage).toEqual(chat.usage);
    expect(outcome.result.text).toBe(chat.text);
  });

  it("counts tool calls by name, answered and streamed", async () => {
    const adapter = provider(name);
    const counts = { lookup_order: 2, send_email: 1 };
    expect((await adapter.chat({ model, messages: toolConversation })).toolCalls).toEqual(counts);
    const handle = adapter.stream({ model, messages: toolConversation });
    const { done } = await collect(handle);
    expect(done?.toolCalls).toEqual(counts);
    expect(done?.usage).toEqual(expected(name, toolConversation).usage);
  });

  it("sends the request the provider expects", async () => {
    await collect(provider(name).stream({ model, messages: conversation, maxOutputTokens: 77 }));
    const body = servers[name].lastRequest?.body as Record<string, unknown>;
    expect(body.model).toBe(model);
    if (name === "openai") {
      expect(body).toMatchObject({ stream: true, stream_options: { include_usage: true }, max_completion_tokens: 77 });
    } else if (name === "anthropic") {
      // The system prompt travels in the top-level field, not as a turn.
      expect(body).toMatchObject({ stream: true, max_tokens: 77, system: conversation[0]?.content });
      expect(body.messages).toEqual([{ role: "user", content: conversation[1]?.content }]);
    } else {
      expect(body).toMatchObject({ stream: true, options: { num_predict: 77 } });
    }
  });

  it("a consumer that stops mid-stream still gets non-zero usage, and the provider connection is closed", async () => {
    servers[name].set({ delayMs: 30 });
    const handle = provider(name).stream({ model, messages: conversation });
    const { deltas } = await collect(handle, 1);
    expect(deltas).toEqual(["Echo: "]);
    const outcome = await handle.outcome;
    expect(outcome.status).toBe("cancelled");
    expect(outcome.result.text).toBe("Echo: ");
    expect(outcome.result.usage.estimated).toBe(true);
    expect(outcome.result.usage.inputTokens).toBeGreaterThan(0);
    expect(outcome.result.usage.outputTokens).toBeGreaterThan(0);
    // Anthropic reports the input in message_start, before the first delta: that figure is kept.
    if (name === "anthropic") expect(outcome.result.usage.inputTokens).toBe(expected(name, conversation).inputTokens);
    await vi.waitFor(() => expect(servers[name].stats.disconnects).toBe(1), { timeout: 2_000 });
  });

  it("the request's abort signal ends the stream quietly and meters what was produced", async () => {
    servers[name].set({ delayMs: 30 });
    const controller = new AbortController();
    const handle = provider(name).stream({ model, messages: conversation, signal: controller.signal });
    const deltas: string[] = [];
    for await (const event of handle) {
      if (event.type === "delta") deltas.push(event.text);
      if (deltas.length === 2) controller.abort();
    }
    expect(deltas).toHaveLength(2);
    const outcome = await handle.outcome;
    expect(outcome.status).toBe("cancelled");
    expect(outcome.result.usage.outputTokens).toBeGreaterThan(0);
    await vi.waitFor(() => expect(servers[name].stats.disconnects).toBe(1), { timeout: 2_000 });
  });

  it("an aborted chat fails as aborted, not retryable", async () => {
    servers[name].set({ hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await provider(name)
      .chat({ model, messages: conversation, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "LlmProviderError", provider: name, kind: "aborted", retryable: false });
  });

  it("a connection dropped mid-stream fails retryable, with the partial reply metered", async () => {
    servers[name].set({ dropAfterChunks: 2 });
    const handle = provider(name).stream({ model, messages: conversation });
    const { deltas, done, error } = await collect(handle);
    expect(deltas).toEqual(expected(name, conversation).deltas.slice(0, 2));
    expect(done).toBeNull();
    expect(error).toBeInstanceOf(LlmProviderError);
    expect(error).toMatchObject({ provider: name, retryable: true });
    const outcome = await handle.outcome;
    expect(outcome.status).toBe("failed");
    expect(outcome.result.usage.outputTokens).toBeGreaterThan(0);
    expect(outcome.result.usage.estimated).toBe(true);
  });

  it("an error event inside the stream fails retryable", async () => {
    servers[name].set({ errorAfterChunks: 1 });
    const handle = provider(name).stream({ model, messages: conversation });
    const { deltas, error } = await collect(handle);
    expect(deltas).toEqual(["Echo: "]);
    expect(error).toMatchObject({ name: "LlmProviderError", provider: name, kind: "http", retryable: true });
    expect((await handle.outcome).status).toBe("failed");
  });

  it("without provider usage, the call is metered with an estimate", async () => {
    servers[name].set({ omitUsage: true });
    const adapter = provider(name);
    const chat = await adapter.chat({ model, messages: conversation });
    expect(chat.usage).toMatchObject({ inputTokens: estimatePromptTokens(conversation), estimated: true });
    expect(chat.usage.outputTokens).toBeGreaterThan(0);
    const handle = adapter.stream({ model, messages: conversation });
    await collect(handle);
    const outcome = await handle.outcome;
    expect(outcome.status).toBe("completed");
    expect(outcome.result.usage).toEqual(chat.usage);
  });

  it.each([500, 529, 429])("HTTP %i is a retryable error carrying the status", async (status) => {
    servers[name].set({ fail: status });
    const error = await provider(name).chat({ model, messages: conversation }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmProviderError);
    expect(error).toMatchObject({ provider: name, kind: "http", status, retryable: true });
    const handle = provider(name).stream({ model, messages: conversation });
    expect((await collect(handle)).error).toMatchObject({ status, retryable: true });
    expect(await handle.outcome).toMatchObject({ status: "failed", result: { usage: { inputTokens: 0, outputTokens: 0 } } });
  });

  it("a client error other than 429 is not retryable", async () => {
    // A wrong key for the keyed providers; Ollama has none, so its server refuses the request.
    if (name === "ollama") servers.ollama.set({ fail: 400 });
    const adapter = name === "ollama" ? provider(name) : provider(name, { anthropicApiKey: "wrong", openaiApiKey: "wrong" });
    const error = await adapter.chat({ model, messages: conversation }).catch((e: unknown) => e);
    expect(error).toMatchObject({ provider: name, kind: "http", retryable: false, status: name === "ollama" ? 400 : 401 });
  });

  it("a refused connection is a retryable connection error", async () => {
    const url = await closedPortUrl();
    const adapter = provider(name, { ollamaBaseUrl: url, anthropicBaseUrl: url, openaiBaseUrl: url });
    const error = await adapter.chat({ model, messages: conversation }).catch((e: unknown) => e);
    expect(error).toMatchObject({ provider: name, kind: "connection", retryable: true });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it("a provider that never answers times out within the configured timeout", async () => {
    servers[name].set({ hang: true });
    const adapter = provider(name, { timeoutMs: 300 });
    let started = Date.now();
    const error = await adapter.chat({ model, messages: conversation }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error).toMatchObject({ provider: name, kind: "timeout", retryable: true });

    started = Date.now();
    const { error: streamError } = await collect(adapter.stream({ model, messages: conversation }));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(streamError).toMatchObject({ provider: name, kind: "timeout", retryable: true });
  });

  it("a stream that stalls between chunks times out instead of hanging", async () => {
    servers[name].set({ delayMs: 2_000 });
    const handle = provider(name, { timeoutMs: 300 }).stream({ model, messages: conversation });
    const started = Date.now();
    const { error } = await collect(handle);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error).toMatchObject({ provider: name, kind: "timeout", retryable: true });
    expect((await handle.outcome).status).toBe("failed");
  });
});

describe("fallback across providers", () => {
  const chain = (...names: TLlmProviderName[]) =>
    names.map((name) => ({ provider: provider(name), model: MODELS[name] }));

  it("a failing provider falls back to the next one (chat)", async () => {
    servers.ollama.set({ fail: 500 });
    const answer = await chatWithFallback(chain("ollama", "anthropic"), { messages: conversation });
    expect(answer.provider).toBe("anthropic");
    expect(answer.model).toBe(MODELS.anthropic);
    expect(answer.result.usage).toEqual(expected("anthropic", conversation).usage);
    expect(answer.attempts).toHaveLength(1);
    expect(answer.attempts[0]).toMatchObject({ provider: "ollama", model: MODELS.ollama, error: { status: 500 } });
  });

  it("a failing provider falls back to the next one (stream)", async () => {
    servers.anthropic.set({ fail: 529 });
    const handle = streamWithFallback(chain("anthropic", "openai"), { messages: conversation });
    const { deltas, done, error } = await collect(handle);
    expect(error).toBeNull();
    expect(deltas.join("")).toBe(expected("openai", conversation).text);
    expect(done?.usage).toEqual(expected("openai", conversation).usage);
    const outcome = await handle.outcome;
    expect(outcome).toMatchObject({ status: "completed", provider: "openai", model: MODELS.openai });
    expect(outcome.attempts.map((a) => [a.provider, a.error.status])).toEqual([["anthropic", 529]]);
  });

  it("a stream dropped before its first delta falls back", async () => {
    servers.openai.set({ dropAfterChunks: 0 });
    const handle = streamWithFallback(chain("openai", "ollama"), { messages: conversation });
    const { deltas, error } = await collect(handle);
    expect(error).toBeNull();
    expect(deltas.join("")).toBe(expected("ollama", conversation).text);
    expect(await handle.outcome).toMatchObject({ status: "completed", provider: "ollama", attempts: [{ provider: "openai" }] });
  });

  it("a provider failing after its first delta does not fall back: the stream ends with the partial reply, metered", async () => {
    servers.ollama.set({ dropAfterChunks: 2 });
    const handle = streamWithFallback(chain("ollama", "openai"), { messages: conversation });
    const { deltas, done, error } = await collect(handle);
    expect(error).toBeNull();
    expect(done).toBeNull();
    expect(deltas).toEqual(expected("ollama", conversation).deltas.slice(0, 2));
    expect(servers.openai.stats.requests).toBe(0);
    const outcome = await handle.outcome;
    expect(outcome).toMatchObject({ status: "failed", provider: "ollama", attempts: [] });
    expect(outcome.result.text).toBe(deltas.join(""));
    expect(outcome.result.usage.inputTokens).toBeGreaterThan(0);
    expect(outcome.result.usage.outputTokens).toBeGreaterThan(0);
    expect(outcome.result.usage.estimated).toBe(true);
  });

  it("when all providers fail, AllProvidersFailedError names each one and its error", async () => {
    servers.ollama.set({ fail: 500 });
    servers.anthropic.set({ fail: 529 });
    servers.openai.set({ fail: 503 });
    const all = chain("ollama", "anthropic", "openai");
    const error = await chatWithFallback(all, { messages: conversation }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    expect(error).toBeInstanceOf(AppError);
    const failure = error as AllProvidersFailedError;
    expect(failure.code).toBe("PROVIDERS_UNAVAILABLE");
    expect(failure.httpStatus).toBe(503);
    expect(failure.message).toMatch(/ollama \(llama3\.2\): HTTP 500/);
    expect(failure.message).toMatch(/anthropic \(claude-haiku-4-5\): HTTP 529/);
    expect(failure.message).toMatch(/openai \(gpt-4o-mini\): HTTP 503/);
    expect(failure.attempts.map((a) => a.provider)).toEqual(["ollama", "anthropic", "openai"]);

    const handle = streamWithFallback(all, { messages: conversation });
    const { deltas, error: streamError } = await collect(handle);
    expect(deltas).toEqual([]);
    expect(streamError).toBeInstanceOf(AllProvidersFailedError);
    await expect(handle.outcome).rejects.toBe(streamError);
  });

  it("a provider without its key is skipped with a message saying which setting is missing", async () => {
    const unconfigured = createProvider("anthropic", config({ anthropicApiKey: undefined }));
    const entries = [{ provider: unconfigured, model: MODELS.anthropic }, ...chain("ollama")];
    const answer = await chatWithFallback(entries, { messages: conversation });
    expect(answer.provider).toBe("ollama");
    expect(answer.attempts[0]?.error).toMatchObject({
      message: "anthropic is not configured: set ANTHROPIC_API_KEY",
      kind: "not_configured",
      retryable: true,
    });
    const handle = streamWithFallback(entries, { messages: conversation });
    await collect(handle);
    expect(await handle.outcome).toMatchObject({ status: "completed", provider: "ollama" });
  });

  it("a timed-out provider falls back to the next one", async () => {
    servers.openai.set({ hang: true });
    const entries = [
      { provider: provider("openai", { timeoutMs: 300 }), model: MODELS.openai },
      { provider: provider("anthropic"), model: MODELS.anthropic },
    ];
    const answer = await chatWithFallback(entries, { messages: conversation });
    expect(answer.provider).toBe("anthropic");
    expect(answer.attempts[0]?.error.kind).toBe("timeout");
  });

  it("the caller's abort stops the chain instead of trying the next provider", async () => {
    servers.ollama.set({ hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await chatWithFallback(chain("ollama", "openai"), { messages: conversation, signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: "aborted" });
    expect(servers.openai.stats.requests).toBe(0);
  });

  it("a consumer that stops the fallback stream closes the serving provider and meters it", async () => {
    servers.anthropic.set({ delayMs: 30 });
    const handle = streamWithFallback(chain("anthropic", "openai"), { messages: conversation });
    const { deltas } = await collect(handle, 1);
    expect(deltas).toHaveLength(1);
    const outcome = await handle.outcome;
    expect(outcome).toMatchObject({ status: "cancelled", provider: "anthropic" });
    expect(outcome.result.usage.outputTokens).toBeGreaterThan(0);
    await vi.waitFor(() => expect(servers.anthropic.stats.disconnects).toBe(1), { timeout: 2_000 });
  });
});
