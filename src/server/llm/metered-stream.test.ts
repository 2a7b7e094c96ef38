import { describe, expect, it } from "vitest";
import { meteredStream, type TMeteredStreamOptions, type TProviderStreamEvent } from "./metered-stream";
import { LlmProviderError, type TChatRequest, type TStreamEvent, type TStreamHandle } from "./provider";
import { estimatePromptTokens, estimateTokens } from "./usage-estimate";

const request: TChatRequest = { model: "m", messages: [{ role: "user", content: "Tell me about invoices" }] };
const promptEstimate = estimatePromptTokens(request.messages);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A provider stream replaying events; it goes quiet before `waitBefore` and throws at `failAt`. */
function source(events: TProviderStreamEvent[], options: { waitBefore?: number; failAt?: number } = {}) {
  let openedWith: AbortSignal | null = null;
  let openCalls = 0;
  const open = async (signal: AbortSignal) => {
    openCalls += 1;
    openedWith = signal;
    return (async function* () {
      for (const [index, event] of events.entries()) {
        if (options.failAt === index) throw new Error("socket hang up");
        if (options.waitBefore === index) {
          // Like an SDK stream: aborting ends the iteration quietly.
          if (!signal.aborted) {
            await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
          }
          return;
        }
        yield event;
      }
    })();
  };
  return {
    open,
    get openCalls() {
      return openCalls;
    },
    get signal() {
      return openedWith;
    },
  };
}

function stream(open: TMeteredStreamOptions["open"], req: TChatRequest = request, idleTimeoutMs = 1_000): TStreamHandle {
  return meteredStream({
    provider: "openai",
    request: req,
    idleTimeoutMs,
    open,
    toError: (error) =>
      new LlmProviderError("openai", `connection failed: ${(error as Error).message}`, { kind: "connection", retryable: true }),
  });
}

const reply: TProviderStreamEvent[] = [
  { type: "model", model: "m-2026" },
  { type: "usage", usage: { inputTokens: 42, cachedInputTokens: 10 } },
  { type: "text", text: "Invoices are " },
  { type: "text", text: "issued monthly." },
  { type: "tool_call", name: "lookup_invoice" },
  { type: "hidden_output", text: '{"id":"INV-1"}' },
  { type: "usage", usage: { outputTokens: 9 } },
  { type: "finished" },
];

describe("metered stream", () => {
  it("a completed stream yields its deltas, then done with the provider's usage", async () => {
    const events: TStreamEvent[] = [];
    const handle = stream(source(reply).open);
    for await (const event of handle) events.push(event);
    const result = {
      text: "Invoices are issued monthly.",
      model: "m-2026",
      toolCalls: { lookup_invoice: 1 },
      usage: { inputTokens: 42, cachedInputTokens: 10, outputTokens: 9, estimated: false },
    };
    expect(events).toEqual([
      { type: "delta", text: "Invoices are " },
      { type: "delta", text: "issued monthly." },
      { type: "done", result },
    ]);
    expect(await handle.outcome).toEqual({ status: "completed", result });
  });

  it("a consumer that stops after the first delta is metered: reported input, output estimated from the text", async () => {
    const src = source(reply);
    const handle = stream(src.open);
    for await (const event of handle) {
      expect(event).toEqual({ type: "delta", text: "Invoices are " });
      break;
    }
    const outcome = await handle.outcome;
    expect(outcome.status).toBe("cancelled");
    expect(outcome.result.usage).toEqual({
      inputTokens: 42,
      cachedInputTokens: 10,
      outputTokens: estimateTokens("Invoices are "),
      estimated: true,
    });
    expect(src.signal?.aborted).toBe(true);
  });

  it("without any provider usage, both sides are estimated, hidden output included", async () => {
    const noUsage = reply.filter((event) => event.type !== "usage");
    const handle = stream(source(noUsage).open);
    for await (const _event of handle) {
      // drain
    }
    const outcome = await handle.outcome;
    expect(outcome.status).toBe("completed");
    expect(outcome.result.usage).toEqual({
      inputTokens: promptEstimate,
      cachedInputTokens: 0,
      outputTokens: estimateTokens('Invoices are issued monthly.{"id":"INV-1"}'),
      estimated: true,
    });
  });

  it("the request's signal ends the iteration quietly and the outcome says cancelled", async () => {
    const controller = new AbortController();
    const src = source(reply, { waitBefore: 3 });
    const handle = stream(src.open, { ...request, signal: controller.signal });
    const deltas: string[] = [];
    for await (const event of handle) {
      if (event.type === "delta") deltas.push(event.text);
      controller.abort();
    }
    expect(deltas).toEqual(["Invoices are "]);
    const outcome = await handle.outcome;
    expect(outcome.status).toBe("cancelled");
    expect(outcome.result.usage.outputTokens).toBeGreaterThan(0);
  });

  it("a failure after the first delta throws, and the outcome keeps the partial usage", async () => {
    const handle = stream(source(reply, { failAt: 3 }).open);
    const deltas: string[] = [];
    const error = await (async () => {
      for await (const event of handle) if (event.type === "delta") deltas.push(event.text);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmProviderError);
    expect(deltas).toEqual(["Invoices are "]);
    const outcome = await handle.outcome;
    expect(outcome).toMatchObject({ status: "failed", error: { kind: "connection", retryable: true } });
    expect(outcome.result.text).toBe("Invoices are ");
    expect(outcome.result.usage).toMatchObject({ inputTokens: 42, estimated: true });
    expect(outcome.result.usage.outputTokens).toBeGreaterThan(0);
  });

  it("a request the provider refused costs nothing", async () => {
    const handle = stream(async () => {
      throw new LlmProviderError("openai", "HTTP 500", { kind: "http", retryable: true, status: 500 });
    });
    await expect(handle[Symbol.asyncIterator]().next()).rejects.toMatchObject({ status: 500 });
    const outcome = await handle.outcome;
    expect(outcome.status).toBe("failed");
    expect(outcome.result.usage).toEqual({ inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, estimated: false });
  });

  it("a provider that goes quiet fails with a timeout after idleTimeoutMs", async () => {
    const handle = stream(source(reply, { waitBefore: 3 }).open, request, 150);
    const started = Date.now();
    const iterator = handle[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ type: "delta", text: "Invoices are " });
    await expect(iterator.next()).rejects.toMatchObject({ kind: "timeout", retryable: true });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await handle.outcome).status).toBe("failed");
  });

  it("a slow consumer is not a provider stall: waiting on the consumer does not time out", async () => {
    const handle = stream(source(reply).open, request, 100);
    const deltas: string[] = [];
    for await (const event of handle) {
      if (event.type !== "delta") continue;
      deltas.push(event.text);
      await sleep(250);
    }
    expect(deltas).toHaveLength(2);
    expect((await handle.outcome).status).toBe("completed");
  });

  it("a stream that ends without the provider's end marker is a failure, not a completion", async () => {
    const truncated = reply.filter((event) => event.type !== "finished");
    const handle = stream(source(truncated).open);
    await expect(
      (async () => {
        for await (const _event of handle) {
          // drain
        }
      })(),
    ).rejects.toMatchObject({ kind: "bad_response" });
    expect((await handle.outcome).status).toBe("failed");
  });

  it("a stream closed before it was read sends nothing and settles as cancelled", async () => {
    const src = source(reply);
    const handle = stream(src.open);
    await handle[Symbol.asyncIterator]().return?.();
    expect(await handle.outcome).toMatchObject({ status: "cancelled", result: { usage: { inputTokens: 0, outputTokens: 0 } } });
    expect(src.openCalls).toBe(0);
  });
});
