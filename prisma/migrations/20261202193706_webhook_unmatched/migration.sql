-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN     "dismissedAt" TIMESTAMPTZ(3),
ADD COLUMN     "unmatchedAt" TIMESTAMPTZ(3),
ADD COLUMN     "unmatchedReason" TEXT;
