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

-- Refunds recorded before this column went back through the invoice's newest succeeded
-- (counted) charge, the rule until now: link each to that charge.
UPDATE "Payment" AS refund
SET "refundOfId" = (
  SELECT charge."id" FROM "Payment" AS charge
  WHERE charge."invoiceId" = refund."invoiceId" AND charge."kind" = 'charge' AND charge."status" = 'succeeded' AND charge."applied"
  ORDER BY charge."createdAt" DESC, charge."id" DESC
  LIMIT 1
)
WHERE refund."kind" = 'refund' AND refund."refundOfId" IS NULL;
