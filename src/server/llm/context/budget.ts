// Fitting a conversation into a prompt token budget (a plan's limit), without ever
// cutting a message: the system messages and the current turn (the last user message and
// anything after it) are always kept; older turns go whole, oldest first, and one system
// note in their place says how many messages were left out, so the model is not led to
// believe it saw the whole conversation. The note counts against the budget.
//
// Pure: the caller passes the counter of the provider it will call (a TTokenizer's
// countPromptTokens, or estimatePromptTokens) and decides what to do when even the
// messages that must be kept do not fit (`overBudget`): refuse the request or send it.
import type { TChatMessage } from "../provider";

export type TFitToBudgetOptions = {
  budgetTokens: number;
  /** The prompt's tokens as the provider counts them, framing included. */
  count: (messages: readonly TChatMessage[]) => number;
};

export type TBudgetFit = {
  /** The prompt to send: kept messages in their original order, the note where the dropped ones were. */
  messages: TChatMessage[];
  tokensBefore: number;
  tokensAfter: number;
  /** Original messages left out. */
  dropped: number;
  /** Their indexes in the input, ascending. */
  droppedIndexes: number[];
  /** The note's text, when messages were dropped. */
  marker?: string;
  /** Even the system messages and the current turn exceed the budget; they are returned anyway. */
  overBudget: boolean;
};

export function omittedMarker(dropped: number): string {
  return `[${dropped} earlier message${dropped === 1 ? "" : "s"} omitted to fit the context budget]`;
}

/**
 * The droppable messages of `messages`, grouped into turns (a user message and the replies
 * after it), oldest first, as indexes. System messages and the current turn are in none.
 */
function droppableTurns(messages: readonly TChatMessage[]): number[][] {
  let current = messages.length;
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    if (messages[i]!.role === "user") {
      current = i;
      break;
    }
  }
  const turns: number[][] = [];
  for (let i = 0; i < current; i += 1) {
    const { role } = messages[i]!;
    if (role === "system") continue;
    if (role === "user" || turns.length === 0) turns.push([i]);
    else turns[turns.length - 1]!.push(i);
  }
  return turns;
}

/** The prompt with the first `dropTurns` turns left out and the note at the first one's place. */
function withoutTurns(messages: readonly TChatMessage[], turns: number[][], dropTurns: number) {
  const droppedIndexes = new Set(turns.slice(0, dropTurns).flat());
  const marker = droppedIndexes.size > 0 ? omittedMarker(droppedIndexes.size) : undefined;
  const kept: TChatMessage[] = [];
  messages.forEach((message, index) => {
    if (!droppedIndexes.has(index)) kept.push(message);
    else if (marker !== undefined && index === turns[0]![0]) kept.push({ role: "system", content: marker });
  });
  return { kept, dropped: droppedIndexes.size, droppedIndexes: [...droppedIndexes].sort((a, b) => a - b), marker };
}

export function fitToBudget(messages: readonly TChatMessage[], { budgetTokens, count }: TFitToBudgetOptions): TBudgetFit {
  const tokensBefore = count(messages);
  if (tokensBefore <= budgetTokens) {
    return { messages: [...messages], tokensBefore, tokensAfter: tokensBefore, dropped: 0, droppedIndexes: [], overBudget: false };
  }
  const turns = droppableTurns(messages);
  const attempt = (dropTurns: number) => {
    const result = withoutTurns(messages, turns, dropTurns);
    return { ...result, tokens: count(result.kept) };
  };

  // Dropping more turns leaves fewer tokens, except that the note's count can gain a digit:
  // the search keeps `best` a drop that fits (or, when none does, the drop of every turn),
  // so the result never exceeds the budget whether or not the count is monotonic.
  let best = attempt(turns.length);
  if (best.tokens <= budgetTokens) {
    let fits = turns.length;
    let doesNotFit = 0;
    while (fits - doesNotFit > 1) {
      const middle = Math.floor((fits + doesNotFit) / 2);
      const candidate = attempt(middle);
      if (candidate.tokens <= budgetTokens) {
        fits = middle;
        best = candidate;
      } else doesNotFit = middle;
    }
  }
  return {
    messages: best.kept,
    tokensBefore,
    tokensAfter: best.tokens,
    dropped: best.dropped,
    droppedIndexes: best.droppedIndexes,
    ...(best.marker === undefined ? {} : { marker: best.marker }),
    overBudget: best.tokens > budgetTokens,
  };
}
