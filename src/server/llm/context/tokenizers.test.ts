import { encodeChat as encodeGpt4Chat } from "gpt-tokenizer/model/gpt-4";
import { countTokens as countO200k } from "gpt-tokenizer/encoding/o200k_base";
import { encodeChat as encodeGpt4oChat } from "gpt-tokenizer/model/gpt-4o";
import { describe, expect, it } from "vitest";
import type { TChatMessage } from "../provider";
import {
  ANTHROPIC_TOKENS_PER_MESSAGE,
  OLLAMA_PROMPT_TOKENS,
  OLLAMA_TOKENS_PER_MESSAGE,
  countPromptTokens,
  countTokens,
  loadTokenizer,
  openAiEncodingFor,
} from "./tokenizers";

const chat: TChatMessage[] = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "hello world" },
  { role: "assistant", content: "Hi." },
  { role: "user", content: "Bye" },
];

describe("OpenAI token counts", () => {
  it.each([
    ["gpt-4o", "hello world", 2],
    ["gpt-4o", "Hello, world!", 4],
    ["gpt-4o", "日本語のテキスト", 6], // o200k_base has CJK merges cl100k_base lacks
    ["gpt-4", "日本語のテキスト", 8],
    ["gpt-4o", "", 0],
  ])("%s counts %j as %i tokens", async (model, text, tokens) => {
    expect(await countTokens("openai", model, text)).toBe(tokens);
  });

  it.each([
    ["gpt-4o", "o200k_base"],
    ["gpt-4o-mini", "o200k_base"],
    ["gpt-4.1-nano", "o200k_base"],
    ["gpt-5", "o200k_base"],
    ["o3-mini", "o200k_base"],
    ["an-unknown-model", "o200k_base"],
    ["gpt-4", "cl100k_base"],
    ["gpt-4-turbo", "cl100k_base"],
    ["gpt-3.5-turbo", "cl100k_base"],
  ])("%s uses %s", (model, encoding) => {
    expect(openAiEncodingFor(model)).toBe(encoding);
  });

  it("a prompt costs what OpenAI's chat format encodes to, framing and reply priming included", async () => {
    expect(await countPromptTokens("openai", "gpt-4o", chat)).toBe(encodeGpt4oChat(chat).length);
    expect(await countPromptTokens("openai", "gpt-4", chat)).toBe(encodeGpt4Chat(chat).length);
    expect(await countPromptTokens("openai", "gpt-4o", [])).toBe(3);
  });

  it("special-token text typed by a user is counted as plain text, not refused", async () => {
    expect(await countTokens("openai", "gpt-4o", "a <|endoftext|> b")).toBe(9);
  });
});

describe("approximated counts", () => {
  it("Claude counts o200k_base tokens x 1.25, rounded up per message, plus its framing", async () => {
    const claude = await loadTokenizer("anthropic", "claude-sonnet-4-5");
    expect(claude.exact).toBe(false);
    expect(claude.countTokens("Hello, world!")).toBe(5); // ceil(4 * 1.25)
    expect(claude.countPromptTokens(chat)).toBe(
      chat.reduce((sum, m) => sum + Math.ceil(countO200k(m.content) * 1.25) + ANTHROPIC_TOKENS_PER_MESSAGE, 0),
    );
  });

  it("Ollama models count as cl100k_base plus their framing", async () => {
    const llama = await loadTokenizer("ollama", "llama3.1:8b");
    expect(llama).toMatchObject({ encoding: "cl100k_base", exact: false });
    expect(llama.countTokens("日本語のテキスト")).toBe(8);
    expect(llama.countPromptTokens([{ role: "user", content: "hello world" }])).toBe(OLLAMA_PROMPT_TOKENS + 2 + OLLAMA_TOKENS_PER_MESSAGE);
  });
});

describe("loading", () => {
  it("loads each table once: later tokenizers of the same encoding are ready at once", async () => {
    await loadTokenizer("openai", "gpt-4o");
    const started = performance.now();
    await Promise.all([loadTokenizer("openai", "gpt-5"), loadTokenizer("anthropic", "claude-haiku-4-5")]);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
