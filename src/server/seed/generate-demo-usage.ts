// A demo client's usage as rows to write: usage events, and for a few clients the
// conversations and messages of their last 14 days. Pure (no I/O): a function of the
// catalogue, the client, its plan and the seed's timeline.
//
// Deterministic: every random choice comes from a PRNG seeded by (client, day), and every
// row has a key derived from the same names (slug, day, index), so re-running inserts
// nothing twice. The rows are what the app's chat path would have written: a call is
// priced with the usage module's costOfCall at the catalogue's model price, a call the
// plan's limits would have refused never became an event, and a failed call leaves no
// event (the app records none).
//
// Money: per-call costs are decimal.js values, stored as decimal strings (NUMERIC(20,10)).
import Decimal from "decimal.js";
import type { Prisma } from "@/generated/prisma/client";
import { checkLimit, type TLlmProvider, type TPlanDefinition } from "@/shared/plan-config";
import { costOfCall, type TModelPrice } from "@/server/usage/cost-of-call";
import { periodOf } from "@/server/usage/period";
import {
  CONVERSATION_DAYS,
  DEMO_MODEL_PRICES,
  DIALOGUES,
  ERROR_SHARE,
  FALLBACK_SHARE,
  FOLLOW_UPS,
  HOUR_WEIGHTS,
  MODEL_SIBLINGS,
  PARTIAL_SHARE,
  PLAN_DAILY_CALLS,
  PLAN_TOKENS,
  TOOL_SHARE,
  TOOLS,
  TURN_WEIGHTS,
  WEEKEND_FACTOR,
  type TModelRef,
} from "./demo-catalogue";
import { gaussian, hashSeed, logNormal, mulberry32, pick, seedUuid, weightedIndex, type TRandom } from "./demo-random";
import { CURRENT_MONTH_MIN_DAYS, DAY_MS, HOUR_MS, type TSeedReference } from "./demo-reference";
import type { TSeededClient } from "./generate-demo-tenants";

export type TDemoUsageEvent = Prisma.UsageEventCreateManyInput & { id: string; conversationId: string };
export type TDemoConversation = Prisma.ConversationCreateManyInput & { id: string };
export type TDemoMessage = Prisma.MessageCreateManyInput & { id: string };

export type TDemoDataset = {
  events: TDemoUsageEvent[];
  conversations: TDemoConversation[];
  messages: TDemoMessage[];
  /** Calls every provider failed: no usage event, a failed ChatAttempt with the model tried (provider health). */
  failedAttempts: Prisma.ChatAttemptCreateManyInput[];
};

const PRICES = new Map<string, TModelPrice>(DEMO_MODEL_PRICES.map((p) => [`${p.provider}/${p.model}`, p]));

/** The catalogue's price of a model: the ModelPrice row the seed writes, in effect for all its usage. */
export function demoModelPrice(ref: TModelRef): TModelPrice {
  const price = PRICES.get(`${ref.provider}/${ref.model}`);
  if (!price) throw new Error(`No demo price for ${ref.provider}/${ref.model}`);
  return price;
}

/** Models a client's calls go to: mostly its main model, some to a cheaper sibling. */
function modelMix(primary: TModelRef): { ref: TModelRef; weight: number }[] {
  const other = MODEL_SIBLINGS[primary.model];
  const share = primary.model.startsWith("claude-sonnet") || primary.model === "gpt-4o" ? 0.2 : 0.08;
  return other ? [{ ref: primary, weight: 1 - share }, { ref: other, weight: share }] : [{ ref: primary, weight: 1 }];
}

function latencyMs(rng: TRandom, ref: TModelRef, outputTokens: number): number {
  const [base, perToken] =
    ref.provider === "ollama" ? [900, 35] : ref.model.includes("mini") || ref.model.includes("haiku") ? [320, 6] : [550, 12];
  return Math.max(80, Math.round((base + perToken * outputTokens) * Math.exp(0.25 * gaussian(rng))));
}

function utcDayKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll("-", "");
}

/** What the plan's limits have let through so far this month, as the counters hold it. */
type TMonthUsage = { period: string; conversations: number; messages: number; tokens: number; toolCalls: number; cost: Decimal };

/** The user's question and the assistant's answer of one turn, from their own PRNGs so that texts never shift the usage numbers. */
function demoExchange(client: TSeededClient, conversationId: string, eventId: string, turn: number): { question: string; answer: string } {
  // A conversation walks through its industry's questions from a random start, with the
  // odd follow-up, so no question repeats within it.
  const dialogues = DIALOGUES[client.industry];
  const start = Math.floor(mulberry32(hashSeed(conversationId))() * dialogues.length);
  const textRng = mulberry32(hashSeed(eventId));
  const [question, answer] =
    turn > 1 && textRng() < 0.4 ? FOLLOW_UPS[(turn - 2) % FOLLOW_UPS.length]! : dialogues[(start + turn - 1) % dialogues.length]!;
  const values: Record<string, string> = {
    "{n}": String(10_000 + Math.floor(textRng() * 89_999)),
    "{code}": Math.floor(textRng() * 36 ** 6).toString(36).toUpperCase().padStart(6, "X"),
    // 4th..20th: every ordinal in this range ends in "th".
    "{d}": String(4 + Math.floor(textRng() * 17)),
  };
  const fill = (text: string) => text.replace(/\{n\}|\{code\}|\{d\}/g, (placeholder) => values[placeholder]!);
  return { question: fill(question), answer: fill(answer) };
}

/**
 * One client's usage from its creation (or the window start) to the cutoff. Calls the
 * plan's limits would have refused are not generated, so counters stay within limits.
 */
export function generateClientUsage(client: TSeededClient, plan: TPlanDefinition, reference: TSeedReference): TDemoDataset {
  const events: TDemoUsageEvent[] = [];
  const conversations: TDemoConversation[] = [];
  const messages: TDemoMessage[] = [];
  const failedAttempts: Prisma.ChatAttemptCreateManyInput[] = [];

  const anchorMs = reference.anchor.getTime();
  const windowMs = reference.windowStart.getTime();
  const windowDays = (anchorMs - windowMs) / DAY_MS + 31;
  const cutoffMs = reference.cutoff.getTime();
  // The current month's calls are laid out on a virtual timeline of at least
  // CURRENT_MONTH_MIN_DAYS days, then squeezed into [anchor, cutoff]. Past months, and any
  // day after the first few of a month, are untouched (scale 1).
  const virtualEndMs = Math.max(cutoffMs, anchorMs + CURRENT_MONTH_MIN_DAYS * DAY_MS);
  const scale = (cutoffMs - anchorMs) / (virtualEndMs - anchorMs);
  const realMs = (virtualMs: number) =>
    virtualMs < anchorMs || virtualEndMs === cutoffMs ? virtualMs : Math.min(cutoffMs, anchorMs + Math.floor((virtualMs - anchorMs) * scale));
  const createdMs = client.createdAt.getTime();
  const endMs = client.suspendedDaysBeforeAnchor ? anchorMs - client.suspendedDaysBeforeAnchor * DAY_MS : virtualEndMs;
  const conversationsFromMs = Math.floor(virtualEndMs / DAY_MS) * DAY_MS - (CONVERSATION_DAYS - 1) * DAY_MS;

  const primary: TModelRef = client.override ?? {
    provider: plan.features.llmProvider as TLlmProvider,
    model: String(plan.features.llmModel),
  };
  const mix = modelMix(primary);
  const chain = client.fallbackChain ?? [];
  const toolsEnabled = plan.features.toolsEnabled === true;
  const tools = TOOLS[client.industry];
  const tokens = PLAN_TOKENS[client.plan];
  const costLimit = plan.limits.costLimitUSD;
  let month: TMonthUsage | undefined;

  const firstDay = Math.max(Math.floor(createdMs / DAY_MS) * DAY_MS, windowMs);
  for (let dayMs = firstDay; dayMs < endMs; dayMs += DAY_MS) {
    const dayKey = utcDayKey(dayMs);
    const rng = mulberry32(hashSeed(`${client.slug}:${dayKey}`));
    const period = periodOf(new Date(dayMs));
    if (month?.period !== period) month = { period, conversations: 0, messages: 0, tokens: 0, toolCalls: 0, cost: new Decimal(0) };

    const weekday = new Date(dayMs).getUTCDay();
    const growth = 0.45 + 0.55 * Math.min(1, (dayMs - windowMs) / (windowDays * DAY_MS));
    const rampUp = Math.min(1, 0.35 + (0.65 * (dayMs - createdMs)) / (45 * DAY_MS));
    const expectedCalls =
      PLAN_DAILY_CALLS[client.plan] *
      client.scale *
      growth *
      Math.max(0.2, rampUp) *
      (weekday === 0 || weekday === 6 ? WEEKEND_FACTOR : 1) *
      (0.75 + 0.5 * rng());
    const meanTurns = TURN_WEIGHTS.reduce((sum, w, i) => sum + w * (i + 1), 0) / TURN_WEIGHTS.reduce((a, b) => a + b, 0);
    const conversationCount = Math.floor(expectedCalls / meanTurns + rng());

    // Lay out the day's calls: each conversation starts at a business-weighted time
    // and its turns follow a minute or two apart.
    const calls: { conversation: number; turn: number; atMs: number }[] = [];
    for (let c = 0; c < conversationCount; c++) {
      const turns = weightedIndex(rng, TURN_WEIGHTS) + 1;
      let at = weightedIndex(rng, HOUR_WEIGHTS) * HOUR_MS + Math.floor(rng() * HOUR_MS);
      for (let turn = 1; turn <= turns && at < DAY_MS; turn++) {
        calls.push({ conversation: c, turn, atMs: dayMs + at });
        at += 20_000 + Math.floor(rng() * 160_000);
      }
    }
    calls.sort((a, b) => a.atMs - b.atMs || a.conversation - b.conversation || a.turn - b.turn);

    const refused = new Set<number>();
    const started = new Set<number>();
    const dayConversations = new Map<number, TDemoConversation>();

    calls.forEach((call, index) => {
      // Every attribute is drawn before any decision, so a call's row does not depend
      // on whether later calls are cut off: re-runs later in the day only add rows.
      const fallbackRoll = rng();
      const statusRoll = rng();
      const toolRoll = rng();
      const toolCount = rng() < 0.3 ? 2 : 1;
      const fallbackRef =
        fallbackRoll < FALLBACK_SHARE[0]! && chain[0]
          ? chain[0]
          : fallbackRoll < FALLBACK_SHARE[0]! + FALLBACK_SHARE[1]! && chain[1]
            ? chain[1]
            : undefined;
      const modelRef = fallbackRef ?? mix[weightedIndex(rng, mix.map((m) => m.weight))]!.ref;
      const status = statusRoll < ERROR_SHARE ? "error" : statusRoll < ERROR_SHARE + PARTIAL_SHARE ? "partial" : "success";
      const toolCalls: Record<string, number> = {};
      if (toolsEnabled && status !== "error" && toolRoll < TOOL_SHARE) {
        const first = pick(rng, tools);
        toolCalls[first] = 1;
        if (toolCount === 2) {
          const second = pick(rng, tools);
          toolCalls[second] = (toolCalls[second] ?? 0) + 1;
        }
      }
      const toolCallCount = Object.values(toolCalls).reduce((a, b) => a + b, 0);
      const contextGrowth = 1 + 0.45 * (call.turn - 1);
      const inputTokens = Math.round(logNormal(rng, tokens.input * contextGrowth, 0.45)) + 350 * toolCallCount;
      let outputTokens = Math.max(5, Math.round(logNormal(rng, tokens.output, 0.55)));
      const cacheShare = 0.4 + 0.35 * rng();
      const cachedInputTokens = modelRef.provider !== "ollama" && call.turn > 1 ? Math.floor(inputTokens * cacheShare) : 0;
      if (status === "partial") outputTokens = Math.max(1, Math.floor(outputTokens * 0.4));
      // A failed call still draws its latency: the draws of the calls after it stay put.
      const latency = status === "error" ? (rng() < 0.4 ? 30_000 : 200 + Math.floor(rng() * 1_300)) : latencyMs(rng, modelRef, outputTokens);

      if (call.atMs < createdMs || call.atMs > virtualEndMs || call.atMs >= endMs || refused.has(call.conversation)) return;
      if (status === "error") {
        const failedAt = new Date(realMs(call.atMs));
        failedAttempts.push({
          clientId: client.id,
          idempotencyKey: `seed-${client.slug}-${dayKey}-${index}`,
          requestHash: "seed",
          status: "failed",
          leaseExpiresAt: failedAt,
          reservations: [],
          provider: modelRef.provider,
          model: modelRef.model,
          createdAt: failedAt,
          updatedAt: failedAt,
        });
        return;
      }
      const cost = costOfCall(demoModelPrice(modelRef), { inputTokens, cachedInputTokens, outputTokens });
      // What the plan's enforcement would have refused never became a usage event.
      const m = month!;
      const isNewConversation = !started.has(call.conversation);
      if (isNewConversation && !checkLimit(plan.limits, "conversationsPerMonth", m.conversations).allowed) {
        refused.add(call.conversation);
        return;
      }
      if (
        !checkLimit(plan.limits, "messagesPerMonth", m.messages).allowed ||
        !checkLimit(plan.limits, "tokensPerMonth", m.tokens).allowed ||
        (toolCallCount > 0 && !checkLimit(plan.limits, "toolCallsPerMonth", m.toolCalls).allowed) ||
        (costLimit != null && m.cost.gte(costLimit))
      ) {
        return;
      }
      if (isNewConversation) {
        started.add(call.conversation);
        m.conversations++;
      }
      m.messages++;
      m.tokens += inputTokens + outputTokens;
      m.toolCalls += toolCallCount;
      m.cost = m.cost.plus(cost);

      const idempotencyKey = `seed-${client.slug}-${dayKey}-${index}`;
      const eventId = seedUuid(`usage-event/${client.slug}/${idempotencyKey}`);
      const conversationId = seedUuid(`conversation/${client.slug}/${dayKey}/${call.conversation}`);
      const occurredAt = new Date(realMs(call.atMs));
      events.push({
        id: eventId,
        clientId: client.id,
        conversationId,
        idempotencyKey,
        occurredAt,
        provider: modelRef.provider,
        model: modelRef.model,
        inputTokens,
        cachedInputTokens,
        outputTokens,
        tokensEstimated: status === "partial",
        toolCalls,
        toolCallCount,
        latencyMs: latency,
        status,
        costUsd: cost.toFixed(10),
        fallback: fallbackRef !== undefined,
      });

      if (!client.withConversations || dayMs < conversationsFromMs) return;
      const { question, answer } = demoExchange(client, conversationId, eventId, call.turn);
      const answeredAt = new Date(Math.max(occurredAt.getTime() + 1, realMs(call.atMs + latency)));
      let conversation = dayConversations.get(call.conversation);
      if (!conversation) {
        conversation = {
          id: conversationId,
          clientId: client.id,
          title: question.length > 60 ? `${question.slice(0, 57)}...` : question,
          metadata: { origin: `https://www.${client.slug}.com`, page: "/help", locale: "en", seeded: true },
          createdAt: occurredAt,
          lastMessageAt: occurredAt,
        };
        dayConversations.set(call.conversation, conversation);
        conversations.push(conversation);
      }
      messages.push(
        { id: seedUuid(`message/${eventId}/user`), conversationId, clientId: client.id, role: "user", content: question, createdAt: occurredAt },
        {
          id: seedUuid(`message/${eventId}/assistant`),
          conversationId,
          clientId: client.id,
          role: "assistant",
          content: status === "partial" ? `${answer.slice(0, 80)}...` : answer,
          usageEventId: eventId,
          createdAt: answeredAt,
        },
      );
      conversation.lastMessageAt = answeredAt;
    });
  }
  return { events, conversations, messages, failedAttempts };
}
