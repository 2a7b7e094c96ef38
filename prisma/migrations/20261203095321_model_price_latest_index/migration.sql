-- CreateIndex
CREATE INDEX "ModelPrice_provider_model_effectiveFrom_idx" ON "ModelPrice"("provider", "model", "effectiveFrom" DESC);
