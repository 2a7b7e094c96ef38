-- AlterEnum
ALTER TYPE "ExperimentStatus" ADD VALUE 'paused';

-- AlterTable
ALTER TABLE "ChatAttempt" ADD COLUMN     "experimentId" UUID,
ADD COLUMN     "model" TEXT,
ADD COLUMN     "provider" TEXT,
ADD COLUMN     "variant" TEXT;

-- AlterTable
ALTER TABLE "Client" ADD COLUMN     "routingEnabled" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "summary" TEXT,
ADD COLUMN     "summaryCovers" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN     "createdBy" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "winnerVariant" TEXT;

-- AlterTable
ALTER TABLE "PlanConfig" ADD COLUMN     "optimization" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "fallback" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "promptTokensAfter" INTEGER,
ADD COLUMN     "promptTokensBefore" INTEGER,
ADD COLUMN     "route" TEXT,
ADD COLUMN     "routeReason" TEXT;

-- CreateTable
CREATE TABLE "RetiredModel" (
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "retiredAt" TIMESTAMPTZ(3) NOT NULL,
    "retiredBy" TEXT,
    "reason" TEXT,

    CONSTRAINT "RetiredModel_pkey" PRIMARY KEY ("provider","model")
);

-- CreateIndex
CREATE INDEX "Experiment_clientId_status_idx" ON "Experiment"("clientId", "status");

-- CreateIndex
CREATE INDEX "UsageEvent_experimentId_idx" ON "UsageEvent"("experimentId");
