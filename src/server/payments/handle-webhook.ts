// Inbound provider webhooks (DESIGN invariant 5): signature checked over the raw body,
// the event stored (unique per provider + event id) BEFORE it is processed, each event
// processed once, in any order. Flow:
//   1. verify the signature: a bad one is a 400 and nothing is stored;
//   2. store the event (a replay finds it; if already processed: acknowledged, ignored);
//   3. in one transaction, claim it (processedAt set only where still null), parse and apply it;
//      a failure rolls the claim back, records attempts + lastError, and the caller
//      answers 5xx so the provider retries.
// Out of order is safe because applying is idempotent per providerPaymentId and never
// downgrades: see recordProviderCharge / recordSucceededRefund.
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import type { PaymentProvider, TParsedWebhookEvent } from "./payment-provider";
import { getPaymentProvider, type TGetPaymentProvider } from "./payment-providers";
import { recordProviderCharge, recordSucceededRefund, type TPaymentActor } from "./record-payment";

export type TWebhookResult = {
  eventId: string;
  type: string;
  /** processed: applied now; duplicate: seen and processed before; ignored: a type we do not act on. */
  status: "processed" | "duplicate" | "ignored";
  kind: TParsedWebhookEvent["kind"];
};

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

async function applyEvent(tx: TDbClient, provider: PaymentProvider, event: TParsedWebhookEvent): Promise<void> {
  const actor: TPaymentActor = { id: null, email: `webhook:${provider.name}` };
  switch (event.kind) {
    case "ignored":
      return;
    case "payment_succeeded":
    case "payment_failed":
    case "payment_processing": {
      const invoiceId = event.invoiceId ?? (await findCharge(tx, provider.name, event.providerPaymentId))?.invoiceId;
      if (!invoiceId || !event.providerPaymentId || !event.amount || !event.currency) {
        throw new AppError("BAD_REQUEST", `Event ${event.eventId} names no invoice or amount we know.`, { eventId: event.eventId });
      }
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
      return;
    }
    case "refund_failed": {
      // A refund we recorded as on its way did not go through: what it held is refundable again.
      const select = { id: true, kind: true, status: true } as const;
      const byProviderId = event.providerPaymentId
        ? await tx.payment.findUnique({ where: { provider_providerPaymentId: { provider: provider.name, providerPaymentId: event.providerPaymentId } }, select })
        : null;
      // Or the refund of ours whose answer never came: it carries our row's id.
      const refund = byProviderId ?? (await findOurRefund(tx, provider.name, event.paymentId, select));
      if (!refund || refund.kind !== "refund") return;
      if (refund.status === "succeeded") {
        // Counted already: the money is back with us. The lifecycle has no way back from
        // refunded; the event stays unprocessed, with this error, for an admin to handle.
        throw new AppError("CONFLICT", `Refund ${event.providerPaymentId} failed at ${provider.label} after it was counted as succeeded; the money is back with us: settle it by hand.`, {
          eventId: event.eventId,
        });
      }
      await tx.payment.update({
        where: { id: refund.id },
        data: { status: "failed", providerPaymentId: event.providerPaymentId, failureReason: `failed at ${provider.label}: ${event.failureReason ?? "no reason given"}` },
      });
      return;
    }
    case "refund_succeeded": {
      const charge = await findCharge(tx, provider.name, event.refundedPaymentId);
      const invoiceId = event.invoiceId ?? charge?.invoiceId;
      if (!invoiceId || !event.providerPaymentId || !event.amount) {
        throw new AppError("BAD_REQUEST", `Refund event ${event.eventId} names no charge we know.`, { eventId: event.eventId });
      }
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
      return;
    }
  }
}

export async function handleWebhook(
  db: TDb,
  providerName: string,
  rawBody: string,
  headers: Headers,
  options: { getProvider?: TGetPaymentProvider } = {},
): Promise<TWebhookResult> {
  const provider = (options.getProvider ?? ((name: string) => getPaymentProvider(name)))(providerName);
  const verified = provider.verifyWebhook(rawBody, headers);
  const event = { eventId: verified.id, type: verified.type };
  const result = (status: TWebhookResult["status"], kind: TWebhookResult["kind"]): TWebhookResult => ({ ...event, status, kind });

  // 1. Durably stored before anything else; the unique key makes a replay find it.
  let stored = await db.webhookEvent.findUnique({
    where: { provider_eventId: { provider: provider.name, eventId: event.eventId } },
    select: { id: true, processedAt: true },
  });
  if (!stored) {
    try {
      stored = await db.webhookEvent.create({
        data: { provider: provider.name, eventId: event.eventId, type: event.type, payload: verified.payload as Prisma.InputJsonValue },
        select: { id: true, processedAt: true },
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The same event delivered twice at once: the other delivery stored it.
      stored = await db.webhookEvent.findUniqueOrThrow({
        where: { provider_eventId: { provider: provider.name, eventId: event.eventId } },
        select: { id: true, processedAt: true },
      });
    }
  }
  if (stored.processedAt) return result("duplicate", "ignored");
  return processStoredEvent(db, provider, stored.id, verified);
}

/**
 * Step 2 for an event already stored: claim it and apply it in one transaction. Used on
 * delivery and when an admin reprocesses an event that failed (webhook-events.ts).
 */
export async function processStoredEvent(
  db: TDb,
  provider: PaymentProvider,
  eventRowId: string,
  verified: { id: string; type: string; payload: unknown },
): Promise<TWebhookResult> {
  const result = (status: TWebhookResult["status"], kind: TWebhookResult["kind"]): TWebhookResult => ({
    eventId: verified.id,
    type: verified.type,
    status,
    kind,
  });
  // Claim and apply in one transaction: either both happen or neither.
  // Parsed only now: a signed event we cannot read is stored with its error, not lost.
  try {
    const parsed = await inTransaction(db, async (tx) => {
      const { count } = await tx.webhookEvent.updateMany({
        where: { id: eventRowId, processedAt: null },
        data: { processedAt: new Date(), attempts: { increment: 1 }, lastError: null },
      });
      if (count === 0) return null;
      const parsedEvent = provider.parseEvent(verified);
      await applyEvent(tx, provider, parsedEvent);
      return parsedEvent;
    });
    if (!parsed) return result("duplicate", "ignored");
    return result(parsed.kind === "ignored" ? "ignored" : "processed", parsed.kind);
  } catch (error) {
    await db.webhookEvent.update({
      where: { id: eventRowId },
      data: { attempts: { increment: 1 }, lastError: error instanceof Error ? error.message.slice(0, 1000) : String(error) },
    });
    throw error;
  }
}
