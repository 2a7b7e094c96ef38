// An admin ends an experiment by picking the variant that did best: the experiment stops
// (if it had not), records the winner, and the winner becomes the client's provider
// override (provider, model, and the routing switch) in the same transaction, so there is
// no moment where the experiment is over and the client still runs on the old model.
// Audited twice: the experiment's pick and the client's provider change, with before and after.
import { z } from "zod";
import type { TSessionUser } from "@/server/auth/session";
import { recordAudit } from "@/server/auth/audit-log";
import { lockClientProviderSettings, ZClientProviderSettings } from "@/server/clients/set-client-provider";
import { inTransaction, type TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { findUnchoosableModels } from "./choosable-models";
import { EXPERIMENT_SELECT, ZExperiment, experimentOf } from "./experiment-record";
import { clientOfExperiment, lockExperiment } from "./move-experiment";

export const ZPickWinnerInput = z.object({
  experimentId: z.uuid("must be an experiment id"),
  variantKey: z.string().trim().min(1, "name the variant").max(50),
});
export type TPickWinnerInput = z.input<typeof ZPickWinnerInput>;

export const ZPickWinnerOutput = z.object({
  experiment: ZExperiment,
  client: ZClientProviderSettings.extend({ routingEnabled: z.boolean() }),
});
export type TPickWinnerOutput = z.infer<typeof ZPickWinnerOutput>;

export async function pickWinner(db: TDb, rawInput: TPickWinnerInput, actor: TSessionUser, now: Date): Promise<TPickWinnerOutput> {
  const { experimentId, variantKey } = parseInput(ZPickWinnerInput, rawInput);
  return inTransaction(db, async (tx) => {
    const { clientId, name } = await clientOfExperiment(tx, experimentId);
    if (!clientId) {
      throw new AppError("EXPERIMENT_STATUS_CONFLICT", `Experiment "${name}" belongs to no client; its winner cannot become anyone's provider.`, { experimentId });
    }
    // The client's row first, then the experiment's: the order every experiment move locks in.
    const before = await lockClientProviderSettings(tx, clientId);
    const experiment = await lockExperiment(tx, experimentId);
    if (experiment.winnerVariant !== null) {
      throw new AppError("EXPERIMENT_STATUS_CONFLICT", `Experiment "${experiment.name}" already has a winner: ${experiment.winnerVariant}.`, {
        experimentId,
        winnerVariant: experiment.winnerVariant,
      });
    }
    if (experiment.status === "draft") {
      throw new AppError("EXPERIMENT_STATUS_CONFLICT", `Experiment "${experiment.name}" has not started; there are no results to pick a winner from.`, {
        experimentId,
        status: experiment.status,
      });
    }
    const variant = experiment.variants.find((candidate) => candidate.key === variantKey);
    if (!variant) {
      const issues = [{ field: "variantKey", message: `no variant "${variantKey}" in this experiment (${experiment.variants.map((v) => v.key).join(", ")})` }];
      throw new AppError("BAD_REQUEST", `Invalid input: variantKey ${issues[0]!.message}`, { issues });
    }
    const refusals = await findUnchoosableModels(tx, [{ provider: variant.provider, model: variant.model, field: "variantKey" }], now);
    if (refusals.length > 0) throw new AppError("BAD_REQUEST", `Invalid input: ${refusals.map((r) => `${r.field} ${r.message}`).join("; ")}`, { issues: refusals });

    const { routingEnabled: routingBefore } = await tx.client.findUniqueOrThrow({ where: { id: clientId }, select: { routingEnabled: true } });
    const override = { provider: variant.provider, model: variant.model };
    // The override is tried first: the same model later in the chain would be tried twice.
    const fallbackChain = before.fallbackChain.filter((step) => step.provider !== override.provider || step.model !== override.model);
    await tx.client.update({
      where: { id: clientId },
      data: { llmProvider: override.provider, llmModel: override.model, fallbackChain, routingEnabled: variant.routing, updatedAt: now },
      select: { id: true },
    });
    const row = await tx.experiment.update({
      where: { id: experimentId },
      data: { winnerVariant: variant.key, status: "stopped", updatedAt: now, ...(experiment.status === "stopped" ? {} : { endedAt: now }) },
      select: EXPERIMENT_SELECT,
    });

    const reason = `Winner "${variant.key}" of experiment "${experiment.name}"`;
    await recordAudit(tx, actor, now, {
      action: "experiment.pick_winner",
      entityType: "Experiment",
      entityId: experimentId,
      clientId,
      before: { status: experiment.status, winnerVariant: null },
      after: { status: "stopped", winnerVariant: variant.key, variant },
    });
    await recordAudit(tx, actor, now, {
      action: "client.provider_change",
      entityType: "Client",
      entityId: clientId,
      clientId,
      before: { override: before.override, fallbackChain: before.fallbackChain, routingEnabled: routingBefore },
      after: { override, fallbackChain, routingEnabled: variant.routing },
      reason,
    });
    return { experiment: experimentOf(row), client: { id: clientId, override, fallbackChain, routingEnabled: variant.routing } };
  });
}
