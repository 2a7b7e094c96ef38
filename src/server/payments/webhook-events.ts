// The stored provider webhooks, for whoever runs billing: which arrived, which were
// applied, which failed and why, which named an object we do not have (unmatched). A
// failed event stays stored (handle-webhook.ts) and the provider retries it for a while
// (Stripe: 3 days); an unmatched one was acknowledged, so nobody retries it but us. Once
// its cause is fixed an admin reprocesses it here from the stored payload; an unmatched
// event that needs nothing is dismissed (audited). Reprocessing is as safe as delivery:
// the claim is atomic and applying is idempotent.
import { z } from "zod";
import type { Prisma } from "@/generated/prisma/client";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { processStoredEvent, type TWebhookResult } from "./handle-webhook";
import { getPaymentProvider, type TGetPaymentProvider } from "./payment-providers";
import { parseInput } from "@/server/errors/parse-input";
import type { TPaymentActor } from "./invoice-money";
import { recordAudit } from "@/server/auth/audit-log";
import { pagingInput, ZPageInfo, pageWindow, pageInfo } from "@/shared/paging";

export const ZListWebhookEventsInput = z.object({
  /** Only events waiting for someone: not applied and not dismissed (failed, unmatched, or still being retried). */
  unprocessed: z.boolean().default(false),
  ...pagingInput(10),
});
export type TListWebhookEventsInput = z.input<typeof ZListWebhookEventsInput>;

/**
 * applied: processed (or a type we do not act on); not_applied: failed or not tried yet,
 * the provider retries it; unmatched: names an object we do not have; dismissed: an admin
 * decided an unmatched event needs nothing.
 */
export const ZWebhookEventState = z.enum(["applied", "not_applied", "unmatched", "dismissed"]);
export type TWebhookEventState = z.infer<typeof ZWebhookEventState>;

export const ZWebhookEventItem = z.object({
  id: z.string(),
  provider: z.string(),
  eventId: z.string(),
  type: z.string(),
  state: ZWebhookEventState,
  receivedAt: z.date(),
  processedAt: z.date().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  unmatchedAt: z.date().nullable(),
  /** What was not found, e.g. "no invoice with id ...". */
  unmatchedReason: z.string().nullable(),
  dismissedAt: z.date().nullable(),
});

export const ZListWebhookEventsOutput = z.object({
  items: z.array(ZWebhookEventItem),
  /** Events waiting (not applied, not dismissed), whatever the filter: what needs attention. */
  unprocessedTotal: z.number().int(),
  /** Of those, the unmatched ones: only an admin moves them on. */
  unmatchedTotal: z.number().int(),
  ...ZPageInfo,
});
export type TListWebhookEventsOutput = z.infer<typeof ZListWebhookEventsOutput>;

const WAITING = { processedAt: null, dismissedAt: null } as const satisfies Prisma.WebhookEventWhereInput;

function stateOf(event: { processedAt: Date | null; unmatchedAt: Date | null; dismissedAt: Date | null }): TWebhookEventState {
  if (event.processedAt) return "applied";
  if (event.dismissedAt) return "dismissed";
  return event.unmatchedAt ? "unmatched" : "not_applied";
}

export async function listWebhookEvents(db: TDbClient, rawInput: TListWebhookEventsInput): Promise<TListWebhookEventsOutput> {
  const input = ZListWebhookEventsInput.parse(rawInput);
  const where = input.unprocessed ? WAITING : {};
  const [total, unprocessedTotal, unmatchedTotal, rows] = await Promise.all([
    db.webhookEvent.count({ where }),
    db.webhookEvent.count({ where: WAITING }),
    db.webhookEvent.count({ where: { ...WAITING, unmatchedAt: { not: null } } }),
    db.webhookEvent.findMany({
      where,
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      ...pageWindow(input),
      select: {
        id: true,
        provider: true,
        eventId: true,
        type: true,
        receivedAt: true,
        processedAt: true,
        attempts: true,
        lastError: true,
        unmatchedAt: true,
        unmatchedReason: true,
        dismissedAt: true,
      },
    }),
  ]);
  const items = rows.map((row) => ({ ...row, state: stateOf(row) }));
  return { items, unprocessedTotal, unmatchedTotal, ...pageInfo(input, total) };
}

export const ZReprocessWebhookEventInput = z.object({ id: z.uuid("must be a webhook event id") });
export type TReprocessWebhookEventInput = z.infer<typeof ZReprocessWebhookEventInput>;

/**
 * Applies a stored event again. An event already applied or dismissed is a CONFLICT
 * (nothing to do); one that fails again keeps its new error (attempts + 1) and the error
 * is thrown; one that still names an object we do not have stays unmatched, with the
 * reason of this attempt (status "unmatched", not an error).
 */
export async function reprocessWebhookEvent(
  db: TDb,
  input: TReprocessWebhookEventInput,
  options: { now: Date; getProvider?: TGetPaymentProvider },
): Promise<TWebhookResult> {
  const stored = await db.webhookEvent.findUnique({
    where: { id: input.id },
    select: { id: true, provider: true, eventId: true, type: true, payload: true, processedAt: true, dismissedAt: true },
  });
  if (!stored) throw new AppError("NOT_FOUND", "No webhook event with that id.", { id: input.id });
  if (stored.processedAt) {
    throw new AppError("WEBHOOK_EVENT_CLOSED", `Event ${stored.eventId} was applied on ${stored.processedAt.toISOString()}; there is nothing to reprocess.`, {
      eventId: stored.eventId,
    });
  }
  if (stored.dismissedAt) {
    throw new AppError("WEBHOOK_EVENT_CLOSED", `Event ${stored.eventId} was dismissed on ${stored.dismissedAt.toISOString()}; it is not applied.`, { eventId: stored.eventId });
  }
  const provider = (options.getProvider ?? ((name: string) => getPaymentProvider(name)))(stored.provider);
  return processStoredEvent(db, provider, stored.id, { id: stored.eventId, type: stored.type, payload: stored.payload }, options.now);
}

export const ZDismissWebhookEventInput = z.object({ id: z.uuid("must be a webhook event id") });
export type TDismissWebhookEventInput = z.infer<typeof ZDismissWebhookEventInput>;

export const ZDismissWebhookEventOutput = z.object({ id: z.string(), eventId: z.string(), dismissedAt: z.date() });
export type TDismissWebhookEventOutput = z.infer<typeof ZDismissWebhookEventOutput>;

/**
 * An admin decides an unmatched event needs nothing (a test event, an invoice of another
 * system): it is never applied and no longer waits. Only an unmatched event can be
 * dismissed; a failed one is still being retried by its provider and says what to fix.
 */
export async function dismissWebhookEvent(
  db: TDb,
  rawInput: TDismissWebhookEventInput,
  actor: TPaymentActor,
  options: { now: Date },
): Promise<TDismissWebhookEventOutput> {
  const input = parseInput(ZDismissWebhookEventInput, rawInput);
  return inTransaction(db, async (tx) => {
    // Conditional, so a reprocess that applied it meanwhile wins and this one is refused.
    const { count } = await tx.webhookEvent.updateMany({
      where: { id: input.id, ...WAITING, unmatchedAt: { not: null } },
      data: { dismissedAt: options.now },
    });
    const event = await tx.webhookEvent.findUnique({
      where: { id: input.id },
      select: { id: true, provider: true, eventId: true, type: true, processedAt: true, unmatchedAt: true, unmatchedReason: true, dismissedAt: true },
    });
    if (!event) throw new AppError("NOT_FOUND", "No webhook event with that id.", { id: input.id });
    if (count === 0 || !event.dismissedAt) {
      const why = event.processedAt
        ? `was applied on ${event.processedAt.toISOString()}`
        : event.dismissedAt
          ? `was dismissed on ${event.dismissedAt.toISOString()}`
          : "is not unmatched (it failed; reprocess it once its cause is fixed)";
      throw new AppError("WEBHOOK_EVENT_CLOSED", `Event ${event.eventId} ${why}; there is nothing to dismiss.`, { eventId: event.eventId });
    }
    await recordAudit(tx, actor, options.now, {
      action: "webhook_event.dismiss",
      entityType: "WebhookEvent",
      entityId: event.id,
      before: { state: "unmatched", provider: event.provider, eventId: event.eventId, type: event.type, unmatchedReason: event.unmatchedReason },
      after: { state: "dismissed" },
    });
    return { id: event.id, eventId: event.eventId, dismissedAt: event.dismissedAt };
  });
}
