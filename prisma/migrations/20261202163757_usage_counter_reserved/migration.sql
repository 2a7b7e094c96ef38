-- AlterTable
ALTER TABLE "UsageCounter" ADD COLUMN     "reserved" DECIMAL(24,10) NOT NULL DEFAULT 0;
