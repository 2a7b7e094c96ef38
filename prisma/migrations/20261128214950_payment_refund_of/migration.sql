-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "applied" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "refundOfId" UUID;

-- CreateIndex
CREATE INDEX "Payment_refundOfId_idx" ON "Payment"("refundOfId");

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_refundOfId_fkey" FOREIGN KEY ("refundOfId") REFERENCES "Payment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Charges recorded as not counted before this column: their audit entry says so.
UPDATE "Payment" AS payment
SET "applied" = false
WHERE EXISTS (
  SELECT 1 FROM "AuditLog" AS audit
  WHERE audit."action" = 'payment.not_applied' AND audit."after" -> 'payment' ->> 'id' = payment."id"::text
);

-- Refunds recorded before this column: link each to the charge it went back through.
-- 1. A Stripe refund whose refund event was received names its PaymentIntent.
UPDATE "Payment" AS refund
SET "refundOfId" = charge."id"
FROM "WebhookEvent" AS event, "Payment" AS charge
WHERE refund."kind" = 'refund' AND refund."refundOfId" IS NULL AND refund."providerPaymentId" IS NOT NULL
  AND event."provider" = refund."provider"
  AND event."payload" -> 'data' -> 'object' ->> 'object' = 'refund'
  AND event."payload" -> 'data' -> 'object' ->> 'id' = refund."providerPaymentId"
  AND charge."provider" = refund."provider" AND charge."kind" = 'charge' AND charge."invoiceId" = refund."invoiceId"
  AND charge."providerPaymentId" = event."payload" -> 'data' -> 'object' ->> 'payment_intent';

-- 2. The rest went back the way the code then chose: through the invoice's newest
-- succeeded charge at the time, whose provider the refund carries.
UPDATE "Payment" AS refund
SET "refundOfId" = (
  SELECT charge."id" FROM "Payment" AS charge
  WHERE charge."invoiceId" = refund."invoiceId" AND charge."kind" = 'charge' AND charge."status" = 'succeeded'
    AND charge."provider" = refund."provider" AND charge."createdAt" <= refund."createdAt"
  ORDER BY charge."createdAt" DESC, charge."id" DESC
  LIMIT 1
)
WHERE refund."kind" = 'refund' AND refund."refundOfId" IS NULL;
