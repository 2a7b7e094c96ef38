// Summaries of a conversation's older turns (plan optimization.summarizeOlderTurns): when
// the context budget leaves turns out, the cheapest configured model folds them, with the
// summary they follow, into a new summary kept on the conversation. Later requests send
// the summary in place of the turns it stands for, so it is paid for once.
//
// It runs after the reply that left the turns out has been settled, off the request's
// path: that reply went out with the "messages omitted" marker, the next ones get the
// summary. The summary call is metered like any call, under its own idempotency key
// (`<key>:summary`), and counts tokens and cost but not a message. Its cost is not
// reserved beforehand: it can take the month's cost past a limit by one summary (at most
// SUMMARY_MAX_OUTPUT_TOKENS of output on a prompt the budget already bounds).
//
// Two requests that leave turns out at once may both summarize; the summary that reaches
// further is kept (the update only moves `summaryUpTo` forward), both calls are metered.
import type { TDbClient } from "@/server/db/client";
import type { LlmProvider, TChatMessage } from "@/server/llm/provider";
import type { TModelPrice } from "@/server/usage/cost-of-call";
import { costOfCall } from "@/server/usage/cost-of-call";
import { recordUsage, type TAlertRules } from "@/server/usage/record-usage";
import type { TConversationSummary, TStoredMessage } from "./load-chat-context";

export const SUMMARY_MAX_OUTPUT_TOKENS = 300;

export const SUMMARY_INSTRUCTIONS =
  "You summarize the earlier part of a customer support conversation for the assistant that continues it. " +
  "Keep every fact the customer gave (names, order and account numbers, dates, amounts, what was tried), every promise the assistant made, " +
  "and what is still open. Write plain sentences in the conversation's language, at most 150 words, no preamble.";

/** The system message that stands for the summarized turns in a prompt. */
export function summaryMessage(text: string): TChatMessage {
  return { role: "system", content: `Summary of the earlier conversation: ${text}` };
}

export type TSummaryJob = {
  clientId: string;
  conversationId: string;
  /** The request's key: the summary call is metered as `<key>:summary`. */
  idempotencyKey: string;
  /** The summary the new one extends, if any. */
  previous: TConversationSummary | null;
  /** The turns to fold in, oldest first. */
  messages: TStoredMessage[];
  provider: LlmProvider;
  model: string;
  price: TModelPrice | null;
  alerts: TAlertRules;
  clock: () => Date;
};

function transcript(job: Pick<TSummaryJob, "previous" | "messages">): string {
  const lines = job.messages.map((message) => `${message.role === "user" ? "Customer" : "Assistant"}: ${message.content}`);
  const earlier = job.previous ? [`Summary so far: ${job.previous.text}`, ""] : [];
  return [...earlier, "Conversation to summarize:", ...lines].join("\n");
}

/** Makes, meters and stores the summary. Throws when the call or a write fails; see summarizeInBackground. */
export async function summarizeTurns(db: TDbClient, job: TSummaryJob): Promise<TConversationSummary> {
  const startedAt = job.clock();
  const started = performance.now();
  const result = await job.provider.chat({
    model: job.model,
    messages: [
      { role: "system", content: SUMMARY_INSTRUCTIONS },
      { role: "user", content: transcript(job) },
    ],
    maxOutputTokens: SUMMARY_MAX_OUTPUT_TOKENS,
  });
  const text = result.text.trim();
  const upTo = job.messages.at(-1)!.at;
  await recordUsage(db, {
    clientId: job.clientId,
    conversationId: job.conversationId,
    newConversation: false,
    idempotencyKey: `${job.idempotencyKey}:summary`,
    occurredAt: startedAt,
    recordedAt: job.clock(),
    provider: job.provider.name,
    model: job.model,
    inputTokens: result.usage.inputTokens,
    cachedInputTokens: result.usage.cachedInputTokens,
    outputTokens: result.usage.outputTokens,
    tokensEstimated: result.usage.estimated,
    toolCalls: {},
    latencyMs: Math.round(performance.now() - started),
    status: "success",
    costUsd: costOfCall(job.price, result.usage),
    reservations: [],
    alerts: job.alerts,
    countsAsMessage: false,
    decision: {
      promptTokensBefore: null,
      promptTokensAfter: null,
      route: "summary",
      routeReason: `summary of ${job.messages.length} earlier message${job.messages.length === 1 ? "" : "s"}${job.previous ? " and the summary before them" : ""}`,
      fallback: false,
      experimentId: null,
      variant: null,
    },
  });
  if (text === "") throw new Error(`${job.provider.name}/${job.model} returned an empty summary`);
  await db.$executeRawUnsafe(
    `UPDATE "Conversation" SET summary = $1, "summaryUpTo" = $2::timestamptz
     WHERE id = $3::uuid AND "clientId" = $4::uuid AND ("summaryUpTo" IS NULL OR "summaryUpTo" < $2::timestamptz)`,
    text,
    upTo,
    job.conversationId,
    job.clientId,
  );
  return { text, upTo };
}

/**
 * summarizeTurns without a caller to tell: a failure is logged with what is needed to act
 * on it, and the conversation keeps its marker (or older summary) until a later request
 * leaves turns out again and tries once more. Resolves when done, for tests and shutdown.
 */
export function summarizeInBackground(db: TDbClient, job: TSummaryJob): Promise<void> {
  const running = summarizeTurns(db, job).then(
    () => undefined,
    (error: unknown) => {
      console.error(
        `summary of ${job.messages.length} messages of conversation ${job.conversationId} (client ${job.clientId}, key ${job.idempotencyKey}:summary) ` +
          `by ${job.provider.name}/${job.model} failed; later requests keep the omitted-messages marker until one succeeds:`,
        error,
      );
    },
  );
  pending.add(running);
  void running.finally(() => pending.delete(running));
  return running;
}

const pending = new Set<Promise<void>>();

/** Resolves once every summary started so far has finished (tests; a graceful shutdown). */
export async function summariesSettled(): Promise<void> {
  while (pending.size > 0) await Promise.all([...pending]);
}
