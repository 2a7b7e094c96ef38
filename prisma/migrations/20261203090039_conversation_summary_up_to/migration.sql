-- AlterTable
ALTER TABLE "Conversation" DROP COLUMN "summaryCovers",
ADD COLUMN     "summaryUpTo" TIMESTAMPTZ(3);
