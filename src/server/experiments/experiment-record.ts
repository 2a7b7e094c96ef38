// An experiment as callers see it (the DTO of every experiments procedure), read from its
// row: the variants are JSON in the table and are parsed back through ZExperimentVariants.
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { ZExperimentVariant, ZExperimentVariants, type TExperimentVariant } from "./assign-variant";
import { EXPERIMENT_STATUSES, type TExperimentStatus } from "./experiment-status";

export const ZExperiment = z.object({
  id: z.string(),
  name: z.string(),
  clientId: z.string().nullable(),
  clientName: z.string().nullable(),
  status: z.enum(EXPERIMENT_STATUSES),
  variants: z.array(ZExperimentVariant),
  winnerVariant: z.string().nullable(),
  createdBy: z.string().nullable(),
  startedAt: z.date().nullable(),
  endedAt: z.date().nullable(),
  createdAt: z.date(),
});
export type TExperiment = z.infer<typeof ZExperiment>;

export const EXPERIMENT_SELECT = {
  id: true,
  name: true,
  clientId: true,
  status: true,
  variants: true,
  winnerVariant: true,
  createdBy: true,
  startedAt: true,
  endedAt: true,
  createdAt: true,
  client: { select: { name: true } },
} as const;

type TExperimentRow = Omit<TExperiment, "variants" | "clientName" | "status"> & { status: TExperimentStatus; variants: unknown; client: { name: string } | null };

/**
 * The row's variants. Rows are written through ZExperimentVariants; one that no longer
 * parses (written by SQL) is shown with no variants and logged, rather than failing a list.
 */
export function variantsOf(row: { id: string; variants: unknown }): TExperimentVariant[] {
  const parsed = ZExperimentVariants.safeParse(row.variants);
  if (parsed.success) return parsed.data;
  console.warn(`experiment ${row.id}: stored variants do not parse, shown as none:`, parsed.error.issues);
  return [];
}

export function experimentOf({ client, variants, ...row }: TExperimentRow): TExperiment {
  return { ...row, clientName: client?.name ?? null, variants: variantsOf({ id: row.id, variants }) };
}

export async function getExperimentOrThrow(db: TDbClient, id: string): Promise<TExperiment> {
  const row = await db.experiment.findUnique({ where: { id }, select: EXPERIMENT_SELECT });
  if (!row) throw new AppError("NOT_FOUND", "No experiment with that id.", { id });
  return experimentOf(row);
}
