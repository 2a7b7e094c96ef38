// An admin drafts an A/B test of models for one client: two or more variants, each a
// provider and model the client could be set to, with routing on or off and an integer
// weight. Nothing is assigned until it starts. Audited.
import { z } from "zod";
import type { TSessionUser } from "@/server/auth/session";
import { recordAudit } from "@/server/auth/audit-log";
import { inTransaction, type TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { ZExperimentVariants } from "./assign-variant";
import { findUnchoosableModels } from "./choosable-models";
import { EXPERIMENT_SELECT, experimentOf, type TExperiment } from "./experiment-record";

export const ZCreateExperimentInput = z.object({
  clientId: z.uuid("must be a client id"),
  name: z.string().trim().min(1, "name the experiment").max(100, "at most 100 characters"),
  /** An A/B test compares: at least two variants. */
  variants: ZExperimentVariants.min(2, "an experiment needs at least two variants to compare"),
});
export type TCreateExperimentInput = z.input<typeof ZCreateExperimentInput>;

export async function createExperiment(db: TDb, rawInput: TCreateExperimentInput, actor: TSessionUser, now: Date): Promise<TExperiment> {
  const input = parseInput(ZCreateExperimentInput, rawInput);
  return inTransaction(db, async (tx) => {
    const client = await tx.client.findUnique({ where: { id: input.clientId }, select: { id: true } });
    if (!client) throw new AppError("NOT_FOUND", "No client with that id.", { id: input.clientId });

    const refusals = await findUnchoosableModels(
      tx,
      input.variants.map((variant, index) => ({ provider: variant.provider, model: variant.model, field: `variants.${index}.model` })),
      now,
    );
    if (refusals.length > 0) {
      throw new AppError("BAD_REQUEST", `Invalid input: ${refusals.map((r) => `${r.field} ${r.message}`).join("; ")}`, { issues: refusals });
    }

    const row = await tx.experiment.create({
      data: { clientId: input.clientId, name: input.name, variants: input.variants, status: "draft", createdBy: actor.email, createdAt: now, updatedAt: now },
      select: EXPERIMENT_SELECT,
    });
    await recordAudit(tx, actor, now, {
      action: "experiment.create",
      entityType: "Experiment",
      entityId: row.id,
      clientId: input.clientId,
      after: { name: input.name, status: "draft", variants: input.variants },
    });
    return experimentOf(row);
  });
}
