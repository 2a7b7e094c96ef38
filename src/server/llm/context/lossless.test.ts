import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TChatMessage } from "../provider";
import { estimatePromptTokens } from "../usage-estimate";
import { SAME_TEXT_ABOVE, SAME_TEXT_BELOW, compressLosslessly } from "./lossless";

const count = estimatePromptTokens;
const MIN = 60;

const retrieved = "Invoices are issued on the first day of each month and are payable within fourteen days of issue.";
const pasted = "Refunds go back to the payment method that was charged; a partial refund leaves the invoice partially refunded.";

describe("whitespace and boilerplate", () => {
  it("collapses spaces, blank-line runs and the message's blank ends, and keeps line breaks", () => {
    const { messages } = compressLosslessly([{ role: "user", content: "\n\nHello    there,   \n\n\n\nsecond  line\nthird\n\n" }], { count });
    expect(messages[0]!.content).toBe("Hello there,\n\nsecond line\nthird");
  });

  it("keeps tabs and indented (code) lines' spacing, and shortens separator lines", () => {
    const content = "a\tb\t\tc\n    x  =  1\n--------\nTitle\n=========";
    expect(compressLosslessly([{ role: "user", content }], { count }).messages[0]!.content).toBe("a\tb\t\tc\n    x  =  1\n---\nTitle\n===");
  });

  it("leaves fenced code blocks exactly as they are, unclosed ones included", () => {
    const code = "```python\ndef f(x):\n    return  x   *  2\n\n\n\nprint( f(2) )   \n```";
    const content = `Look   here:\n\n\n${code}\n\n~~~\n  a    b\n~~~~\n\nand\n\`\`\`\nopen   fence\n\n\n`;
    const out = compressLosslessly([{ role: "user", content }], { count }).messages[0]!.content;
    expect(out).toBe(`Look here:\n\n${code}\n\n~~~\n  a    b\n~~~~\n\nand\n\`\`\`\nopen   fence\n\n\n`);
  });

  it("a message with nothing to collapse is returned as the same object", () => {
    const message: TChatMessage = { role: "user", content: "Already tidy.\n\nYes." };
    expect(compressLosslessly([message], { count }).messages[0]).toBe(message);
  });
});

describe("duplicate blocks", () => {
  it("a pasted paragraph repeated in later turns is kept in the newest and referenced before it", () => {
    const result = compressLosslessly(
      [
        { role: "user", content: `${pasted}\n\nWhat does it mean?` },
        { role: "assistant", content: "It means refunds follow the charge." },
        { role: "user", content: `Again:\n\n${pasted}` },
      ],
      { count, minBlockChars: MIN },
    );
    expect(result.messages.map((m) => m.content)).toEqual([
      `${SAME_TEXT_BELOW}\n\nWhat does it mean?`,
      "It means refunds follow the charge.",
      `Again:\n\n${pasted}`,
    ]);
    expect(result.duplicatesRemoved).toBe(1);
    expect(result.tokensAfter).toBeLessThan(result.tokensBefore);
  });

  it("a chunk retrieved into the system prompt is kept there, and its copies in turns refer to it", () => {
    const result = compressLosslessly(
      [
        { role: "system", content: `Context:\n\n${retrieved}` },
        { role: "user", content: `${retrieved}\n\n${retrieved}\n\nWhen is it due?` },
      ],
      { count, minBlockChars: MIN },
    );
    expect(result.messages.map((m) => m.content)).toEqual([
      `Context:\n\n${retrieved}`,
      `${SAME_TEXT_ABOVE}\n\n${SAME_TEXT_ABOVE}\n\nWhen is it due?`,
    ]);
    expect(result.duplicatesRemoved).toBe(2);
  });

  it("short repeated paragraphs and repeated code blocks are left alone", () => {
    const messages: TChatMessage[] = [
      { role: "user", content: "Thanks!\n\n```\nsame code, long enough to count as a block if it were prose\n```" },
      { role: "user", content: "Thanks!\n\n```\nsame code, long enough to count as a block if it were prose\n```" },
    ];
    expect(compressLosslessly(messages, { count, minBlockChars: 10 }).messages).toEqual(messages);
  });
});

// Conversations built from a few long paragraphs (so that they repeat), short ones,
// code blocks and whitespace noise.
const arbCode = fc
  .array(fc.oneof(fc.constantFrom("x  =  1", "", "    indented   line  ", "\tif (a)  b;"), fc.string({ maxLength: 30 })), { maxLength: 5 })
  .map((lines) => lines.filter((line) => !/^\s*(```|~~~)/.test(line) && !line.includes("\n") && !line.includes("\r")))
  .map((lines) => `${["```ts", ...lines, "```"].join("\n")}\n`); // a closing fence is alone on its line
const arbPart = fc.oneof(
  fc.constantFrom(retrieved, pasted, `${retrieved}  `, `  ${pasted}`),
  fc.lorem({ maxCount: 12 }),
  fc.string({ maxLength: 40 }),
  arbCode,
);
const arbSeparator = fc.constantFrom("\n", "\n\n", "\n\n\n", "\n  \n\n", " ");
const arbContent = fc
  .array(fc.tuple(arbPart, arbSeparator), { maxLength: 6 })
  .map((parts) => parts.map(([part, separator]) => part + separator).join(""));
const arbMessages = fc.array(
  fc.record({ role: fc.constantFrom<TChatMessage["role"]>("system", "user", "assistant"), content: arbContent }),
  { maxLength: 8 },
);

const CODE_BLOCK = /^ {0,3}```ts\n(?:[\s\S]*?\n)??``` *$/gm;

function codeBlocks(content: string): string[] {
  return content.match(CODE_BLOCK) ?? [];
}

describe("properties", () => {
  it("is idempotent", () => {
    fc.assert(
      fc.property(arbMessages, fc.integer({ min: 1, max: 150 }), (messages, minBlockChars) => {
        const once = compressLosslessly(messages, { count, minBlockChars }).messages;
        expect(compressLosslessly(once, { count, minBlockChars }).messages).toEqual(once);
      }),
      { numRuns: 400 },
    );
  });

  it("never changes a code block, and keeps each where it was", () => {
    fc.assert(
      fc.property(arbMessages, (messages) => {
        const out = compressLosslessly(messages, { count, minBlockChars: MIN }).messages;
        out.forEach((message, index) => expect(codeBlocks(message.content)).toEqual(codeBlocks(messages[index]!.content)));
      }),
      { numRuns: 400 },
    );
  });

  it("never drops a paragraph: every line of the collapsed text is still somewhere in the prompt", () => {
    fc.assert(
      fc.property(arbMessages, (messages) => {
        const collapsedOnly = compressLosslessly(messages, { count, minBlockChars: Number.POSITIVE_INFINITY }).messages;
        const result = compressLosslessly(messages, { count, minBlockChars: MIN });
        // Line by line: a replaced paragraph's lines are all in the copy that was kept.
        const linesLeft = new Set(result.messages.flatMap((m) => m.content.split("\n")));
        for (const message of collapsedOnly) for (const line of message.content.split("\n")) expect(linesLeft).toContain(line);
        expect(result.messages.map((m) => m.role)).toEqual(messages.map((m) => m.role));
        expect(result.tokensBefore).toBe(count(messages));
        expect(result.tokensAfter).toBe(count(result.messages));
      }),
      { numRuns: 400 },
    );
  });
});
