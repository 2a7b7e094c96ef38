// The stored provider webhooks, for whoever runs billing: which arrived, which were
// applied, which failed and why. A failed event stays stored (handle-webhook.ts) and the
// provider retries it for a while (Stripe: 3 days); after that, or once its cause is
// fixed, an admin reprocesses it here from the stored payload. Reprocessing is as safe
// as delivery: the claim is atomic and applying is idempotent.
import { z } from "zod";
import type { TDb, TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { processStoredEvent, type TWebhookResult } from "./handle-webhook";
import { getPaymentProvider, type TGetPaymentProvider } from "./payment-providers";

export const ZListWebhookEventsInput = z.object({
  /** Only events not applied yet (failed, or still being retried). */
  unprocessed: z.boolean().default(false),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(5).max(200).default(10),
});
export type TListWebhookEventsInput = z.input<typeof ZListWebhookEventsInput>;

export const ZWebhookEventItem = z.object({
  id: z.string(),
  provider: z.string(),
  eventId: z.string(),
  type: z.string(),
  receivedAt: z.date(),
  processedAt: z.date().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});

export const ZListWebhookEventsOutput = z.object({
  items: z.array(ZWebhookEventItem),
  total: z.number().int(),
  /** Events not applied, whatever the filter: what needs attention. */
  unprocessedTotal: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  pageCount: z.number().int(),
});
export type TListWebhookEventsOutput = z.infer<typeof ZListWebhookEventsOutput>;

export async function listWebhookEvents(db: TDbClient, rawInput: TListWebhookEventsInput): Promise<TListWebhookEventsOutput> {
  const input = ZListWebhookEventsInput.parse(rawInput);
  const where = input.unprocessed ? { processedAt: null } : {};
  const [total, unprocessedTotal, items] = await Promise.all([
    db.webhookEvent.count({ where }),
    db.webhookEvent.count({ where: { processedAt: null } }),
    db.webhookEvent.findMany({
      where,
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      skip: (input.page - 1) * input.pageSize,
      take: input.pageSize,
      select: { id: true, provider: true, eventId: true, type: true, receivedAt: true, processedAt: true, attempts: true, lastError: true },
    }),
  ]);
  return { items, total, unprocessedTotal, page: input.page, pageSize: input.pageSize, pageCount: Math.max(1, Math.ceil(total / input.pageSize)) };
}

export const ZReprocessWebhookEventInput = z.object({ id: z.uuid("must be a webhook event id") });
export type TReprocessWebhookEventInput = z.infer<typeof ZReprocessWebhookEventInput>;

/**
 * Applies a stored event again. An event already applied is a CONFLICT (nothing to do);
 * one that fails again keeps its new error (attempts + 1) and the error is thrown.
 */
export async function reprocessWebhookEvent(
  db: TDb,
  input: TReprocessWebhookEventInput,
  options: { getProvider?: TGetPaymentProvider } = {},
): Promise<TWebhookResult> {
  const stored = await db.webhookEvent.findUnique({
    where: { id: input.id },
    select: { id: true, provider: true, eventId: true, type: true, payload: true, processedAt: true },
  });
  if (!stored) throw new AppError("NOT_FOUND", "No webhook event with that id.", { id: input.id });
  if (stored.processedAt) {
    throw new AppError("CONFLICT", `Event ${stored.eventId} was applied on ${stored.processedAt.toISOString()}; there is nothing to reprocess.`, {
      eventId: stored.eventId,
    });
  }
  const provider = (options.getProvider ?? ((name: string) => getPaymentProvider(name)))(stored.provider);
  return processStoredEvent(db, provider, stored.id, { id: stored.eventId, type: stored.type, payload: stored.payload });
}
