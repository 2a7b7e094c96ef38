// An admin chooses which LLM answers a client: a provider and model that override the
// plan's default (or none: the plan's default), and the ordered fallback chain tried when
// it fails. The chat path reads these columns on every request, so the next request uses
// them. A paid provider's model must have a price in effect now (else its calls would be
// recorded at zero cost); Ollama's models are free. A retired model cannot be chosen, as the
// primary or as any fallback step. Audited with before and after.
import { z } from "zod";
import type { TSessionUser } from "@/server/auth/session";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { findUnpricedModels } from "@/server/model-prices/model-catalogue";
import { findRetiredModels } from "@/server/model-prices/retire-model";
import { LLM_PROVIDERS, ZProviderChain } from "@/shared/plan-config";
import { recordAudit } from "@/server/auth/audit-log";

/** More steps than this only add latency to a request that is failing anyway. */
export const MAX_FALLBACK_STEPS = 5;

const ZProviderModel = z.object({
  provider: z.enum(LLM_PROVIDERS, { error: `must be one of ${LLM_PROVIDERS.join(", ")}` }),
  model: z.string().trim().min(1, "name the model").max(100, "at most 100 characters"),
});

const label = (entry: { provider: string; model: string }) => `${entry.provider} · ${entry.model}`;
const keyOf = (entry: { provider: string; model: string }) => `${entry.provider}/${entry.model}`;

export const ZSetClientProviderInput = z
  .object({
    id: z.uuid("must be a client id"),
    /** null: the plan's default provider and model. */
    override: ZProviderModel.nullable(),
    /** Tried in this order when the provider before fails. */
    fallbackChain: z.array(ZProviderModel).max(MAX_FALLBACK_STEPS, `at most ${MAX_FALLBACK_STEPS} fallback steps`),
  })
  .superRefine((input, ctx) => {
    const seen = new Map<string, number>();
    input.fallbackChain.forEach((entry, index) => {
      const key = keyOf(entry);
      if (input.override && keyOf(input.override) === key) {
        ctx.addIssue({ code: "custom", path: ["fallbackChain", index], message: `step ${index + 1} (${label(entry)}) is the override already, tried first` });
      } else if (seen.has(key)) {
        ctx.addIssue({ code: "custom", path: ["fallbackChain", index], message: `step ${index + 1} (${label(entry)}) repeats step ${seen.get(key)! + 1}` });
      }
      if (!seen.has(key)) seen.set(key, index);
    });
  });
export type TSetClientProviderInput = z.input<typeof ZSetClientProviderInput>;

export const ZClientProviderSettings = z.object({
  id: z.string(),
  override: z.object({ provider: z.string(), model: z.string().nullable() }).nullable(),
  fallbackChain: ZProviderChain,
});
export type TClientProviderSettings = z.infer<typeof ZClientProviderSettings>;

type TClientRow = { id: string; llmProvider: string | null; llmModel: string | null; fallbackChain: unknown };

function settingsOf(row: TClientRow): TClientProviderSettings {
  return {
    id: row.id,
    override: row.llmProvider ? { provider: row.llmProvider, model: row.llmModel } : null,
    // Stored before this function existed (by SQL): shown as stored, or empty if malformed.
    fallbackChain: ZProviderChain.safeParse(row.fallbackChain).data ?? [],
  };
}

/**
 * Locks the client's row (SELECT ... FOR UPDATE, in the caller's transaction) and reads its
 * provider settings: whoever changes them next (an admin here, an experiment's winner)
 * writes after the other and audits what the other left. NOT_FOUND without the client.
 */
export async function lockClientProviderSettings(tx: TDbClient, id: string): Promise<TClientProviderSettings> {
  const rows = await tx.$queryRawUnsafe<TClientRow[]>(
    `SELECT id::text AS id, "llmProvider", "llmModel", "fallbackChain" FROM "Client" WHERE id = $1::uuid FOR UPDATE`,
    id,
  );
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", "No client with that id.", { id });
  return settingsOf(row);
}

export async function setClientProvider(db: TDb, rawInput: TSetClientProviderInput, actor: TSessionUser, now: Date): Promise<TClientProviderSettings> {
  const { id, override, fallbackChain } = parseInput(ZSetClientProviderInput, rawInput);
  return inTransaction(db, async (tx) => {
    // Locked: two admins saving at once apply one after the other, each audit's "before"
    // being what the other left.
    const before = await lockClientProviderSettings(tx, id);

    const chosen = [...(override ? [{ ...override, field: "override" }] : []), ...fallbackChain.map((entry, index) => ({ ...entry, field: `fallbackChain.${index}` }))];
    const unpriced = await findUnpricedModels(tx, chosen, now);
    if (unpriced.length > 0) {
      const issues = unpriced.map(({ field, ...entry }) => ({ field, message: `${label(entry)} has no price in effect; add one on the Providers page first` }));
      throw new AppError("BAD_REQUEST", `No price in effect for ${unpriced.map(label).join(", ")}: a paid provider's model needs a price before it can be chosen.`, { issues });
    }
    const retired = await findRetiredModels(tx, chosen);
    if (retired.length > 0) {
      const issues = retired.map(({ field, ...entry }) => ({ field: `${field}.model`, message: `${label(entry)} is retired; choose another model` }));
      throw new AppError("BAD_REQUEST", `Retired: ${retired.map(label).join(", ")}. A retired model cannot be chosen for a client.`, { issues });
    }

    await tx.client.update({
      where: { id },
      data: { llmProvider: override?.provider ?? null, llmModel: override?.model ?? null, fallbackChain, updatedAt: now },
      select: { id: true },
    });
    const after: TClientProviderSettings = { id, override, fallbackChain };
    await recordAudit(tx, actor, now, {
      action: "client.provider_change",
      entityType: "Client",
      entityId: id,
      clientId: id,
      before: { override: before.override, fallbackChain: before.fallbackChain },
      after: { override: after.override, fallbackChain: after.fallbackChain },
    });
    return after;
  });
}
