// What the experiments' integration tests share: priced models, variants, and a drafted
// experiment for a fresh client.
import { ZodError } from "zod";
import type { TSessionUser } from "@/server/auth/session";
import { AppError } from "@/server/errors/app-error";
import type { TDb } from "@/server/db/client";
import type { TExperimentVariant } from "@/server/experiments/assign-variant";
import { createExperiment } from "@/server/experiments/create-experiment";
import type { TExperiment } from "@/server/experiments/experiment-record";
import { clockNow } from "@/server/clock";
import { ensureModelPrices } from "../../support/chat-fixtures";
import { createTestClient, uniqueSuffix } from "../../support/fixtures";

export { ensureModelPrices };

export const variant = (key: string, patch: Partial<TExperimentVariant> = {}): TExperimentVariant => ({
  key,
  provider: "anthropic",
  model: "claude-sonnet-5-5",
  routing: false,
  weight: 50,
  ...patch,
});

/** Two priced variants: Claude without routing, GPT-4o mini with it. */
export const TWO_VARIANTS: TExperimentVariant[] = [variant("control"), variant("mini", { provider: "openai", model: "gpt-4o-mini", routing: true })];

export async function draftExperiment(
  db: TDb,
  admin: TSessionUser,
  options: { clientId?: string; variants?: TExperimentVariant[]; name?: string } = {},
): Promise<TExperiment> {
  const clientId = options.clientId ?? (await createTestClient(db)).id;
  return createExperiment(db, { clientId, name: options.name ?? `Cheaper model ${uniqueSuffix()}`, variants: options.variants ?? TWO_VARIANTS }, admin, clockNow());
}

/** The fields a refusal names: a zod input error's paths (tRPC's input check) or an AppError's issues (the domain's). */
export function refusedFields(error: unknown): string[] {
  const cause = (error as { cause?: unknown }).cause ?? error;
  if (cause instanceof ZodError) return cause.issues.map((issue) => issue.path.join("."));
  if (cause instanceof AppError) return ((cause.data.issues ?? []) as Array<{ field: string }>).map((issue) => issue.field);
  return [];
}
