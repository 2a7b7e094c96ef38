// Inbound provider webhooks (DESIGN invariant 5): signature checked over the raw body,
// the event stored (unique per provider + event id) BEFORE it is processed, each event
// processed once, in any order. Flow:
//   1. verify the signature: a bad one is a 400 and nothing is stored;
//   2. store the event (a replay finds it; if already processed: acknowledged, ignored);
//   3. in one transaction, claim it (processedAt set only where still null), parse and apply it;
//      a failure rolls the claim back, records attempts + lastError, and the caller
//      answers 5xx so the provider retries.
//   An event naming an object we do not have (an unknown invoice, charge or refund) is not
//   a failure: retrying will not make the object appear, and Stripe would retry it for
//   three days. It is acknowledged (2xx) and kept UNMATCHED (processedAt still null,
//   unmatchedAt + unmatchedReason set) for an admin to reprocess or dismiss
//   (webhook-events.ts). applyEvent looks every object up before it writes anything, so an
//   unmatched event has written nothing but its own row.
// Out of order is safe because applying is idempotent per providerPaymentId and never
// downgrades: see recordProviderCharge / recordSucceededRefund.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { ZWebhookEventKind, type PaymentProvider, type TParsedWebhookEvent } from "./payment-provider";
import { getPaymentProvider, type TGetPaymentProvider } from "./payment-providers";
import { recordProviderCharge } from "./charge-invoice";
import type { TPaymentActor } from "./invoice-money";
import { recordSucceededRefund } from "./refund-invoice";

export const ZWebhookResult = z.object({
  eventId: z.string(),
  type: z.string(),
  /**
   * processed: applied now; duplicate: seen and processed (or dismissed) before; ignored: a
   * type we do not act on; unmatched: names an object we do not have, kept for an admin.
   */
  status: z.enum(["processed", "duplicate", "ignored", "unmatched"]),
  kind: ZWebhookEventKind,
  /** For an unmatched event: what was not found ("no invoice with id ..."). */
  unmatchedReason: z.string().optional(),
});
export type TWebhookResult = z.infer<typeof ZWebhookResult>;

/** Whether applyEvent found what the event names; when not, nothing was written. */
type TApplyOutcome = { matched: true } | { matched: false; reason: string };

const MATCHED: TApplyOutcome = { matched: true };

function unmatched(reason: string): TApplyOutcome {
  // Ids come from the provider's payload (metadata is free text up to 500 characters).
  return { matched: false, reason: reason.slice(0, 1000) };
}

/** An invoice id from a provider's metadata names one of ours only if it is a uuid we have. */
async function invoiceExists(tx: TDbClient, invoiceId: string): Promise<boolean> {
  if (!z.uuid().safeParse(invoiceId).success) return false;
  return (await tx.invoice.count({ where: { id: invoiceId } })) > 0;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

async function findCharge(tx: TDbClient, provider: string, providerPaymentId: string | undefined): Promise<{ id: string; invoiceId: string } | null> {
  if (!providerPaymentId) return null;
  return tx.payment.findUnique({
    where: { provider_providerPaymentId: { provider, providerPaymentId } },
    select: { id: true, invoiceId: true },
  });
}

/** Our refund row named by a provider object's metadata (a uuid), still without the provider's id. */
async function findOurRefund<S extends { id: true; kind: true; status: true }>(tx: TDbClient, provider: string, paymentId: string | undefined, select: S) {
  if (!paymentId || !z.uuid().safeParse(paymentId).success) return null;
  return tx.payment.findFirst({ where: { id: paymentId, provider, kind: "refund", providerPaymentId: null }, select });
}

/**
 * Applies a parsed event inside the caller's transaction. Every object the event names is
 * looked up BEFORE anything is written: an event that names one we do not have returns
 * unmatched having written nothing.
 */
async function applyEvent(tx: TDbClient, provider: PaymentProvider, event: TParsedWebhookEvent): Promise<TApplyOutcome> {
  const actor: TPaymentActor = { id: null, email: `webhook:${provider.name}` };
  switch (event.kind) {
    case "ignored":
      return MATCHED;
    case "payment_succeeded":
    case "payment_failed":
    case "payment_processing": {
      if (!event.providerPaymentId || !event.amount || !event.currency) {
        throw new AppError("BAD_REQUEST", `Event ${event.eventId} carries no payment id, amount or currency.`, { eventId: event.eventId });
      }
      const invoiceId = event.invoiceId ?? (await findCharge(tx, provider.name, event.providerPaymentId))?.invoiceId;
      if (!invoiceId) return unmatched(`no payment with id ${event.providerPaymentId}, and no invoice id in its metadata`);
      if (!(await invoiceExists(tx, invoiceId))) return unmatched(`no invoice with id ${invoiceId}`);
      const status = event.kind === "payment_succeeded" ? "succeeded" : event.kind === "payment_failed" ? "failed" : "processing";
      await recordProviderCharge(
        tx,
        {
          invoiceId,
          provider: provider.name,
          providerPaymentId: event.providerPaymentId,
          paymentId: event.paymentId,
          status,
          amount: event.amount,
          currency: event.currency,
          failureReason: event.failureReason,
          occurredAt: event.occurredAt,
        },
        actor,
      );
      return MATCHED;
    }
    case "refund_failed": {
      // A refund we recorded as on its way did not go through: what it held is refundable again.
      const select = { id: true, kind: true, status: true } as const;
      const byProviderId = event.providerPaymentId
        ? await tx.payment.findUnique({ where: { provider_providerPaymentId: { provider: provider.name, providerPaymentId: event.providerPaymentId } }, select })
        : null;
      // Or the refund of ours whose answer never came: it carries our row's id.
      const refund = byProviderId ?? (await findOurRefund(tx, provider.name, event.paymentId, select));
      // A failed refund we never counted changes nothing of ours: acknowledged as applied.
      if (!refund || refund.kind !== "refund") return MATCHED;
      if (refund.status === "succeeded") {
        // Counted already: the money is back with us. The lifecycle has no way back from
        // refunded; the event stays unprocessed, with this error, for an admin to handle.
        throw new AppError("REFUND_REVERSED", `Refund ${event.providerPaymentId} failed at ${provider.label} after it was counted as succeeded; the money is back with us: settle it by hand.`, {
          eventId: event.eventId,
        });
      }
      await tx.payment.update({
        where: { id: refund.id },
        data: { status: "failed", providerPaymentId: event.providerPaymentId, failureReason: `failed at ${provider.label}: ${event.failureReason ?? "no reason given"}` },
      });
      return MATCHED;
    }
    case "refund_succeeded": {
      if (!event.providerPaymentId || !event.amount) {
        throw new AppError("BAD_REQUEST", `Refund event ${event.eventId} carries no refund id or amount.`, { eventId: event.eventId });
      }
      const charge = await findCharge(tx, provider.name, event.refundedPaymentId);
      const invoiceId = event.invoiceId ?? charge?.invoiceId;
      if (!invoiceId) {
        return unmatched(
          event.refundedPaymentId
            ? `no payment with id ${event.refundedPaymentId} (the charge refund ${event.providerPaymentId} refunds), and no invoice id in its metadata`
            : `refund ${event.providerPaymentId} names no charge and no invoice`,
        );
      }
      if (!(await invoiceExists(tx, invoiceId))) return unmatched(`no invoice with id ${invoiceId}`);
      await recordSucceededRefund(
        tx,
        {
          invoiceId,
          provider: provider.name,
          providerRefundId: event.providerPaymentId,
          refundOfId: charge?.invoiceId === invoiceId ? charge.id : null,
          refundId: event.paymentId,
          amount: event.amount,
          reason: `refunded at ${provider.name}`,
        },
        actor,
      );
      return MATCHED;
    }
  }
}

export async function handleWebhook(
  db: TDb,
  providerName: string,
  rawBody: string,
  headers: Headers,
  options: { now: Date; getProvider?: TGetPaymentProvider },
): Promise<TWebhookResult> {
  const { now } = options;
  const provider = (options.getProvider ?? ((name: string) => getPaymentProvider(name)))(providerName);
  const verified = provider.verifyWebhook(rawBody, headers);
  const event = { eventId: verified.id, type: verified.type };
  const result = (status: TWebhookResult["status"], kind: TWebhookResult["kind"]): TWebhookResult => ({ ...event, status, kind });

  // 1. Durably stored before anything else; the unique key makes a replay find it.
  let stored = await db.webhookEvent.findUnique({
    where: { provider_eventId: { provider: provider.name, eventId: event.eventId } },
    select: { id: true, processedAt: true, dismissedAt: true },
  });
  if (!stored) {
    try {
      stored = await db.webhookEvent.create({
        data: { receivedAt: now, provider: provider.name, eventId: event.eventId, type: event.type, payload: verified.payload as Prisma.InputJsonValue },
        select: { id: true, processedAt: true, dismissedAt: true },
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The same event delivered twice at once: the other delivery stored it.
      stored = await db.webhookEvent.findUniqueOrThrow({
        where: { provider_eventId: { provider: provider.name, eventId: event.eventId } },
        select: { id: true, processedAt: true, dismissedAt: true },
      });
    }
  }
  // Applied, or dismissed by an admin: acknowledged, nothing more. An unmatched one is tried
  // again (its object may exist now), like a failed one.
  if (stored.processedAt || stored.dismissedAt) return result("duplicate", "ignored");
  return processStoredEvent(db, provider, stored.id, verified, now);
}

/**
 * Step 2 for an event already stored: claim it and apply it in one transaction. Used on
 * delivery and when an admin reprocesses an event that failed or was unmatched
 * (webhook-events.ts). The row then says what its last attempt did: applied (processedAt),
 * unmatched (unmatchedAt + unmatchedReason) or failed (lastError).
 */
export async function processStoredEvent(
  db: TDb,
  provider: PaymentProvider,
  eventRowId: string,
  verified: { id: string; type: string; payload: unknown },
  now: Date,
): Promise<TWebhookResult> {
  const result = (status: TWebhookResult["status"], kind: TWebhookResult["kind"]): TWebhookResult => ({
    eventId: verified.id,
    type: verified.type,
    status,
    kind,
  });
  // Claim and apply in one transaction: either both happen or neither. A dismissed event
  // is never claimed, so a dismiss and a reprocess racing each other cannot both win.
  // Parsed only now: a signed event we cannot read is stored with its error, not lost.
  try {
    const outcome = await inTransaction(db, async (tx) => {
      const { count } = await tx.webhookEvent.updateMany({
        where: { id: eventRowId, processedAt: null, dismissedAt: null },
        data: { processedAt: now, attempts: { increment: 1 }, lastError: null, unmatchedAt: null, unmatchedReason: null },
      });
      if (count === 0) return null;
      const parsed = provider.parseEvent(verified);
      const applied = await applyEvent(tx, provider, parsed);
      if (!applied.matched) {
        // The claim is given back; applyEvent wrote nothing else.
        await tx.webhookEvent.update({ where: { id: eventRowId }, data: { processedAt: null, unmatchedAt: now, unmatchedReason: applied.reason } });
      }
      return { parsed, applied };
    });
    if (!outcome) return result("duplicate", "ignored");
    const { parsed, applied } = outcome;
    if (!applied.matched) return { ...result("unmatched", parsed.kind), unmatchedReason: applied.reason };
    return result(parsed.kind === "ignored" ? "ignored" : "processed", parsed.kind);
  } catch (error) {
    try {
      await db.webhookEvent.update({
        where: { id: eventRowId },
        data: {
          attempts: { increment: 1 },
          lastError: storableFailure(error, `webhook ${provider.name} ${verified.id}`),
          unmatchedAt: null,
          unmatchedReason: null,
        },
      });
    } catch (recordError) {
      // The event's own failure is what the caller must see; this one is only logged.
      console.error(`webhook ${provider.name} ${verified.id}: could not record the failure of event row ${eventRowId}:`, recordError);
    }
    throw error;
  }
}

/**
 * What the dashboard may show of a failed attempt: our own errors say what is wrong; any
 * other (a database error, a bug) may carry SQL or ORM text, so it is logged whole under an
 * id and the row keeps only the id.
 */
function storableFailure(error: unknown, what: string): string {
  if (error instanceof AppError) return error.message.slice(0, 1000);
  const logId = randomUUID();
  console.error(`${what} failed [log ${logId}]:`, error);
  return `Unexpected error (log ${logId}); the server log has the details.`;
}
