// Admins retire a model: it stays in the catalogue (flagged) and keeps its prices, so calls
// already recorded keep what they cost, but it can no longer be chosen for a client (primary
// or fallback). Unretiring makes it choosable again. Both are audited; repeating either one
// changes nothing and writes no second audit entry.
import { z } from "zod";
import type { TSessionUser } from "@/server/auth/session";
import { recordAudit } from "@/server/auth/audit-log";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { LLM_PROVIDER_NAMES } from "@/server/llm/provider";

const ZModelRef = z.object({
  provider: z.enum(LLM_PROVIDER_NAMES, { error: `must be one of ${LLM_PROVIDER_NAMES.join(", ")}` }),
  model: z.string().trim().min(1, "name the model").max(100, "at most 100 characters"),
});

export const ZRetireModelInput = ZModelRef.extend({
  /** Why, for the audit log and the catalogue. */
  reason: z.string().trim().max(500, "at most 500 characters").nullable().default(null),
});
export type TRetireModelInput = z.input<typeof ZRetireModelInput>;

export const ZUnretireModelInput = ZModelRef;
export type TUnretireModelInput = z.input<typeof ZUnretireModelInput>;

export const ZRetiredState = z.object({
  provider: z.string(),
  model: z.string(),
  retired: z.boolean(),
  retiredAt: z.date().nullable(),
  /** False when the model was already in the asked state (nothing written). */
  changed: z.boolean(),
});
export type TRetiredState = z.infer<typeof ZRetiredState>;

const entityId = (ref: { provider: string; model: string }) => `${ref.provider}/${ref.model}`;

async function ensurePriced(tx: TDbClient, provider: string, model: string) {
  const priced = await tx.modelPrice.findFirst({ where: { provider, model }, select: { id: true } });
  if (!priced) throw new AppError("NOT_FOUND", `${provider} · ${model} has no price row: only a model of the catalogue can be retired.`, { provider, model });
}

export async function retireModel(db: TDb, rawInput: TRetireModelInput, actor: TSessionUser, now: Date): Promise<TRetiredState> {
  const { provider, model, reason } = parseInput(ZRetireModelInput, rawInput);
  return inTransaction(db, async (tx) => {
    await ensurePriced(tx, provider, model);
    // The primary key decides a race: of two admins retiring at once, one inserts and audits.
    const { count } = await tx.retiredModel.createMany({ data: [{ provider, model, retiredAt: now, retiredBy: actor.email, reason }], skipDuplicates: true });
    if (count === 0) {
      const existing = await tx.retiredModel.findUniqueOrThrow({ where: { provider_model: { provider, model } }, select: { retiredAt: true } });
      return { provider, model, retired: true, retiredAt: existing.retiredAt, changed: false };
    }
    await recordAudit(tx, actor, now, {
      action: "model.retire",
      entityType: "RetiredModel",
      entityId: entityId({ provider, model }),
      before: { retired: false },
      after: { retired: true },
      reason,
    });
    return { provider, model, retired: true, retiredAt: now, changed: true };
  });
}

export async function unretireModel(db: TDb, rawInput: TUnretireModelInput, actor: TSessionUser, now: Date): Promise<TRetiredState> {
  const { provider, model } = parseInput(ZUnretireModelInput, rawInput);
  return inTransaction(db, async (tx) => {
    await ensurePriced(tx, provider, model);
    // DELETE ... RETURNING: of two admins unretiring at once, one deletes the row and audits.
    const deleted = await tx.$queryRaw<Array<{ retiredAt: Date; reason: string | null }>>`
      DELETE FROM "RetiredModel" WHERE provider = ${provider} AND model = ${model} RETURNING "retiredAt", reason`;
    const existing = deleted[0];
    if (!existing) return { provider, model, retired: false, retiredAt: null, changed: false };
    await recordAudit(tx, actor, now, {
      action: "model.unretire",
      entityType: "RetiredModel",
      entityId: entityId({ provider, model }),
      before: { retired: true, retiredAt: existing.retiredAt.toISOString(), reason: existing.reason },
      after: { retired: false },
    });
    return { provider, model, retired: false, retiredAt: null, changed: true };
  });
}

/** Every retired model, keyed `provider/model`, with when it was retired. */
export async function listRetiredModels(db: TDbClient): Promise<Map<string, Date>> {
  const rows = await db.retiredModel.findMany({ select: { provider: true, model: true, retiredAt: true } });
  return new Map(rows.map((row) => [entityId(row), row.retiredAt]));
}

/** The entries naming a retired model (in the order given): a retired model cannot be chosen. */
export async function findRetiredModels<T extends { provider: string; model: string }>(db: TDbClient, entries: readonly T[]): Promise<T[]> {
  if (entries.length === 0) return [];
  const rows = await db.retiredModel.findMany({
    where: { OR: entries.map(({ provider, model }) => ({ provider, model })) },
    select: { provider: true, model: true },
  });
  const retired = new Set(rows.map(entityId));
  return entries.filter((entry) => retired.has(entityId(entry)));
}
