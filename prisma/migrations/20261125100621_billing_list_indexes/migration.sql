-- DropIndex
DROP INDEX "Invoice_issuedAt_idx";

-- CreateIndex
CREATE INDEX "Invoice_issuedAt_number_idx" ON "Invoice"("issuedAt" DESC, "number" DESC);

-- CreateIndex
CREATE INDEX "Payment_createdAt_id_idx" ON "Payment"("createdAt" DESC, "id" DESC);
