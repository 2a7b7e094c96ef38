-- CreateEnum
CREATE TYPE "ChatAttemptStatus" AS ENUM ('in_flight', 'settled', 'failed', 'abandoned');

-- CreateTable
CREATE TABLE "ChatAttempt" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "clientId" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "status" "ChatAttemptStatus" NOT NULL DEFAULT 'in_flight',
    "leaseExpiresAt" TIMESTAMPTZ(3) NOT NULL,
    "reservations" JSONB NOT NULL DEFAULT '[]',
    "estimatedCostUsd" DECIMAL(20,10) NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ChatAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChatAttempt_clientId_status_leaseExpiresAt_idx" ON "ChatAttempt"("clientId", "status", "leaseExpiresAt");

-- CreateIndex
CREATE INDEX "ChatAttempt_status_leaseExpiresAt_idx" ON "ChatAttempt"("status", "leaseExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ChatAttempt_clientId_idempotencyKey_key" ON "ChatAttempt"("clientId", "idempotencyKey");

-- AddForeignKey
ALTER TABLE "ChatAttempt" ADD CONSTRAINT "ChatAttempt_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;
