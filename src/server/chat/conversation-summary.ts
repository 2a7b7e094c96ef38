// Summaries of a conversation's older turns (plan optimization.summarizeOlderTurns): when
// the context budget leaves turns out, the cheapest configured model folds them, with the
// summary they follow, into a new summary kept on the conversation. Later requests send
// the summary in place of the turns it stands for, so it is paid for once.
//
// It runs after the reply that left the turns out has been settled, off the request's
// path: that reply went out with the "messages omitted" marker, the next ones get the
// summary. The summary call is a chat call like any other for the plan's limits: it holds
// its own ChatAttempt (key `§summary:<request key>`, which no client key can be: those are
// printable ASCII), reserves its tokens and cost before the provider is called, is skipped
// when a limit would be passed, settles exactly what it used (tokens and cost, not a
// message), and is swept as abandoned if the process dies mid-call. Its prompt is bounded:
// the previous summary and the newest left-out turns that fit SUMMARY_MAX_INPUT_TOKENS.
//
// Two requests that leave turns out at once may both summarize; the summary that reaches
// further is kept (the update only moves `summaryUpTo` forward), both calls are metered.
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { loadTokenizer } from "@/server/llm/context/tokenizers";
import type { LlmProvider, TChatMessage, TChatResult } from "@/server/llm/provider";
import type { TModelPrice } from "@/server/usage/cost-of-call";
import { costOfCall } from "@/server/usage/cost-of-call";
import { buildReservations } from "@/server/usage/limit-metrics";
import { recordUsage, type TAlertRules } from "@/server/usage/record-usage";
import { beginChatAttempt, failChatAttempt } from "./chat-attempts";
import type { TConversationSummary, TStoredMessage } from "./load-chat-context";

export const SUMMARY_MAX_OUTPUT_TOKENS = 300;
/** The most a summary's prompt holds: older left-out turns beyond it are not read. */
export const SUMMARY_MAX_INPUT_TOKENS = 6_000;

/** The summary call's own idempotency key: "§" is outside the printable ASCII a client's key is made of. */
export function summaryIdempotencyKey(requestKey: string): string {
  return `§summary:${requestKey}`;
}

/** The counters a summary reserves and settles on: it answers no message and starts no conversation. */
const SUMMARY_COUNTERS = new Set(["tokens", "inputTokens", "outputTokens", "costUsd"]);

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
  /** The request's key: the summary call is metered under summaryIdempotencyKey(key). */
  idempotencyKey: string;
  /** The summary the new one extends, if any. */
  previous: TConversationSummary | null;
  /** The turns to fold in, oldest first. */
  messages: TStoredMessage[];
  provider: LlmProvider;
  model: string;
  price: TModelPrice | null;
  /** The plan's limits, reserved against like a chat call's. */
  limits: Record<string, number | null>;
  alerts: TAlertRules;
  clock: () => Date;
};

export type TSummaryOutcome = { kind: "stored"; summary: TConversationSummary } | { kind: "skipped"; reason: string };

/** The newest left-out turns that fit the input bound, after the previous summary; says how many older ones were not read. */
function transcript(job: Pick<TSummaryJob, "previous" | "messages">, countTokens: (text: string) => number): string {
  const line = (message: TStoredMessage) => `${message.role === "user" ? "Customer" : "Assistant"}: ${message.content}`;
  let room = SUMMARY_MAX_INPUT_TOKENS - (job.previous ? countTokens(job.previous.text) : 0);
  const lines: string[] = [];
  for (let i = job.messages.length - 1; i >= 0; i -= 1) {
    const text = line(job.messages[i]!);
    room -= countTokens(text);
    // The newest turn is always read; older ones while they fit.
    if (room < 0 && lines.length > 0) {
      lines.unshift(`(${i + 1} earlier message${i === 0 ? "" : "s"} not included)`);
      break;
    }
    lines.unshift(text);
  }
  const earlier = job.previous ? [`Summary so far: ${job.previous.text}`, ""] : [];
  return [...earlier, "Conversation to summarize:", ...lines].join("\n");
}

/**
 * Makes, meters and stores the summary; skipped (not thrown) when a limit would be passed
 * or the same summary is already being made. Throws when the call or a write fails; see
 * summarizeInBackground.
 */
export async function summarizeTurns(db: TDbClient, job: TSummaryJob): Promise<TSummaryOutcome> {
  const now = job.clock();
  const tokenizer = await loadTokenizer(job.provider.name, job.model);
  const prompt: TChatMessage[] = [
    { role: "system", content: SUMMARY_INSTRUCTIONS },
    { role: "user", content: transcript(job, (text) => tokenizer.countTokens(text)) },
  ];
  const estimatedInputTokens = tokenizer.countPromptTokens(prompt);
  const estimatedCostUsd = costOfCall(job.price, { inputTokens: estimatedInputTokens, cachedInputTokens: 0, outputTokens: SUMMARY_MAX_OUTPUT_TOKENS });
  const reservations = buildReservations(
    job.limits,
    { newConversation: false, estimatedInputTokens, maxOutputTokens: SUMMARY_MAX_OUTPUT_TOKENS, estimatedCostUsd },
    now,
  ).filter((reservation) => SUMMARY_COUNTERS.has(reservation.counter));
  const idempotencyKey = summaryIdempotencyKey(job.idempotencyKey);
  let attemptId: string;
  try {
    const attempt = await beginChatAttempt(db, { clientId: job.clientId, idempotencyKey, requestHash: "conversation-summary", now, reservations, estimatedCostUsd });
    if (attempt.kind === "settled") return { kind: "skipped", reason: "already summarized under this key" };
    attemptId = attempt.attemptId;
  } catch (error) {
    if (error instanceof AppError && (error.code === "PLAN_LIMIT_EXCEEDED" || error.code === "IDEMPOTENCY_IN_PROGRESS")) {
      return { kind: "skipped", reason: error.code === "PLAN_LIMIT_EXCEEDED" ? "a plan limit would be passed" : "already in progress" };
    }
    throw error;
  }

  const started = performance.now();
  let result: TChatResult;
  try {
    result = await job.provider.chat({ model: job.model, messages: prompt, maxOutputTokens: SUMMARY_MAX_OUTPUT_TOKENS });
  } catch (error) {
    await failChatAttempt(db, attemptId, job.clock(), { provider: job.provider.name, model: job.model, experimentId: null, variant: null });
    throw error;
  }
  const text = result.text.trim();
  const upTo = job.messages.at(-1)!.at;
  const recorded = await recordUsage(db, {
    clientId: job.clientId,
    conversationId: job.conversationId,
    newConversation: false,
    idempotencyKey,
    occurredAt: now,
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
    reservations,
    attemptId,
    alerts: job.alerts,
    countsAsMessage: false,
    decision: {
      promptTokensBefore: estimatedInputTokens,
      promptTokensAfter: estimatedInputTokens,
      route: "summary",
      routeReason: `summary of ${job.messages.length} earlier message${job.messages.length === 1 ? "" : "s"}${job.previous ? " and the summary before them" : ""}`,
      fallback: false,
      experimentId: null,
      variant: null,
    },
  });
  // The attempt held the key, so only a bug leaves the event unwritten: say so rather than lose it quietly.
  if (recorded.duplicate) throw new Error(`summary ${idempotencyKey} of client ${job.clientId} was answered but its key already had a usage event`);
  if (text === "") throw new Error(`${job.provider.name}/${job.model} returned an empty summary (metered)`);
  await db.$executeRawUnsafe(
    `UPDATE "Conversation" SET summary = $1, "summaryUpTo" = $2::timestamptz
     WHERE id = $3::uuid AND "clientId" = $4::uuid AND ("summaryUpTo" IS NULL OR "summaryUpTo" < $2::timestamptz)`,
    text,
    upTo,
    job.conversationId,
    job.clientId,
  );
  return { kind: "stored", summary: { text, upTo } };
}

/**
 * summarizeTurns without a caller to tell: a failure is logged with what is needed to act
 * on it, and the conversation keeps its marker (or older summary) until a later request
 * leaves turns out again and tries once more. Resolves when done, for tests and shutdown.
 */
export function summarizeInBackground(db: TDbClient, job: TSummaryJob): Promise<void> {
  const running = summarizeTurns(db, job).then(
    (outcome) => {
      if (outcome.kind === "skipped") {
        console.warn(`summary of conversation ${job.conversationId} (client ${job.clientId}) skipped: ${outcome.reason}; later requests keep the omitted-messages marker`);
      }
    },
    (error: unknown) => {
      console.error(
        `summary of ${job.messages.length} messages of conversation ${job.conversationId} (client ${job.clientId}, key ${summaryIdempotencyKey(job.idempotencyKey)}) ` +
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
