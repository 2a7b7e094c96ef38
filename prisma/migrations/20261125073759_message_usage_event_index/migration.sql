-- CreateIndex
CREATE INDEX "Message_usageEventId_idx" ON "Message"("usageEventId");
