-- AlterTable
ALTER TABLE "Client" ADD COLUMN     "alertEmails" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "alertWebhookDisabledAt" TIMESTAMPTZ(3),
ADD COLUMN     "dailyUsageSummary" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "alertId" UUID,
ADD COLUMN     "deliveredVia" TEXT,
ADD COLUMN     "lockedUntil" TIMESTAMPTZ(3),
ADD COLUMN     "responseStatus" INTEGER;

-- CreateTable
CREATE TABLE "UsageAlert" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "clientId" UUID NOT NULL,
    "period" VARCHAR(16) NOT NULL,
    "limitKey" TEXT NOT NULL,
    "counter" TEXT NOT NULL,
    "threshold" INTEGER NOT NULL,
    "limit" DECIMAL(24,10) NOT NULL,
    "value" DECIMAL(24,10) NOT NULL,
    "planKey" TEXT NOT NULL,
    "crossedAt" TIMESTAMPTZ(3) NOT NULL,
    "resolvedAt" TIMESTAMPTZ(3),
    "resolvedReason" TEXT,
    "notifiedAt" TIMESTAMPTZ(3),
    "resolvedNotifiedAt" TIMESTAMPTZ(3),

    CONSTRAINT "UsageAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UsageAlert_resolvedAt_period_idx" ON "UsageAlert"("resolvedAt", "period");

-- CreateIndex
CREATE INDEX "UsageAlert_notifiedAt_idx" ON "UsageAlert"("notifiedAt");

-- CreateIndex
CREATE INDEX "UsageAlert_resolvedNotifiedAt_resolvedAt_idx" ON "UsageAlert"("resolvedNotifiedAt", "resolvedAt");

-- CreateIndex
CREATE INDEX "UsageAlert_crossedAt_idx" ON "UsageAlert"("crossedAt");

-- CreateIndex
CREATE UNIQUE INDEX "UsageAlert_clientId_period_limitKey_threshold_key" ON "UsageAlert"("clientId", "period", "limitKey", "threshold");

-- CreateIndex
CREATE INDEX "Notification_alertId_idx" ON "Notification"("alertId");

-- AddForeignKey
ALTER TABLE "UsageAlert" ADD CONSTRAINT "UsageAlert_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "UsageAlert"("id") ON DELETE SET NULL ON UPDATE CASCADE;
