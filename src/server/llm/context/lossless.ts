// Lossless prompt compression, the step before any budget cut: what it removes the model
// would not miss.
//
// - Whitespace: trailing spaces, runs of spaces inside a line, and runs of blank lines
//   collapse to one; blank lines at a message's ends go. Indented lines (4 spaces or a
//   tab: Markdown code) keep their inner spacing, tabs are kept (tab-separated data), and
//   line breaks are never joined.
// - Boilerplate: a separator line of one repeated character (-----, =====, *****, _____)
//   becomes three of it, which Markdown reads the same.
// - Duplicates: a paragraph of at least `minBlockChars` characters that appears again,
//   in the same message or another (a document pasted twice, the same retrieved chunk in
//   the system prompt and in a turn), is kept once and the other copies become
//   "[same text as above]" or "[same text as below]". The copy kept is the one that
//   fitToBudget drops last: the first one in a system message, else the newest, so a
//   reference never survives the text it points to.
//
// Fenced code blocks (``` or ~~~) are never touched, not even when repeated. The result
// is deterministic and a second pass changes nothing.
import type { TChatMessage } from "../provider";

export const DEFAULT_MIN_BLOCK_CHARS = 200;
export const SAME_TEXT_ABOVE = "[same text as above]";
export const SAME_TEXT_BELOW = "[same text as below]";

export type TCompressOptions = {
  count: (messages: readonly TChatMessage[]) => number;
  /** The shortest paragraph worth replacing by a reference. */
  minBlockChars?: number;
};

export type TCompressed = {
  messages: TChatMessage[];
  tokensBefore: number;
  tokensAfter: number;
  /** Paragraphs replaced by a reference to an identical one. */
  duplicatesRemoved: number;
};

type TBlock = { kind: "code"; lines: string[] } | { kind: "paragraph"; lines: string[] } | { kind: "blank" };

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const INDENTED = /^( {4}|\t)/;
const SEPARATOR = /^([-=*_])\1{3,}$/;

/** A fenced block closes on a fence of the same character, at least as long, with nothing after it. */
function closesFence(line: string, opening: string): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
  return match !== null && match[1]![0] === opening[0] && match[1]!.length >= opening.length;
}

function collapseLine(line: string): string {
  const trimmed = line.replace(/[ \t]+$/, "");
  if (INDENTED.test(trimmed)) return trimmed;
  const indent = /^ */.exec(trimmed)![0];
  const rest = trimmed.slice(indent.length);
  if (SEPARATOR.test(rest)) return indent + rest.slice(0, 3);
  return indent + rest.replace(/ {2,}/g, " ");
}

/** A message as code blocks (verbatim), paragraphs (collapsed) and single blank lines. */
function parseBlocks(content: string): TBlock[] {
  const lines = content.replace(/\r\n/g, "\n").split("\n");
  const blocks: TBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      // An unclosed fence runs to the end of the message, as Markdown renders it.
      let end = i + 1;
      while (end < lines.length && !closesFence(lines[end]!, fence[1]!)) end += 1;
      blocks.push({ kind: "code", lines: lines.slice(i, end + 1) });
      i = end + 1;
      continue;
    }
    const collapsed = collapseLine(line);
    const previous = blocks[blocks.length - 1];
    if (collapsed === "") {
      if (previous !== undefined && previous.kind !== "blank") blocks.push({ kind: "blank" });
    } else if (previous?.kind === "paragraph") previous.lines.push(collapsed);
    else blocks.push({ kind: "paragraph", lines: [collapsed] });
    i += 1;
  }
  while (blocks[blocks.length - 1]?.kind === "blank") blocks.pop();
  return blocks;
}

function renderBlocks(blocks: readonly TBlock[]): string {
  return blocks.flatMap((block) => (block.kind === "blank" ? [""] : block.lines)).join("\n");
}

type TOccurrence = { message: number; block: number; system: boolean };

export function compressLosslessly(messages: readonly TChatMessage[], options: TCompressOptions): TCompressed {
  const minBlockChars = options.minBlockChars ?? DEFAULT_MIN_BLOCK_CHARS;
  const parsed = messages.map((message) => parseBlocks(message.content));

  // Occurrences of each long paragraph, in prompt order.
  const occurrences = new Map<string, TOccurrence[]>();
  parsed.forEach((blocks, messageIndex) => {
    blocks.forEach((block, blockIndex) => {
      if (block.kind !== "paragraph") return;
      const text = block.lines.join("\n");
      // A reference is never itself referenced: a second pass would change it.
      if (text.length < minBlockChars || text === SAME_TEXT_ABOVE || text === SAME_TEXT_BELOW) return;
      const seen = occurrences.get(text) ?? [];
      seen.push({ message: messageIndex, block: blockIndex, system: messages[messageIndex]!.role === "system" });
      occurrences.set(text, seen);
    });
  });

  let duplicatesRemoved = 0;
  for (const seen of occurrences.values()) {
    if (seen.length < 2) continue;
    const kept = seen.find((occurrence) => occurrence.system) ?? seen[seen.length - 1]!;
    for (const occurrence of seen) {
      if (occurrence === kept) continue;
      const before = occurrence.message < kept.message || (occurrence.message === kept.message && occurrence.block < kept.block);
      parsed[occurrence.message]![occurrence.block] = { kind: "paragraph", lines: [before ? SAME_TEXT_BELOW : SAME_TEXT_ABOVE] };
      duplicatesRemoved += 1;
    }
  }

  const compressed = messages.map((message, index) => {
    const content = renderBlocks(parsed[index]!);
    return content === message.content ? message : { ...message, content };
  });
  return { messages: compressed, tokensBefore: options.count(messages), tokensAfter: options.count(compressed), duplicatesRemoved };
}
