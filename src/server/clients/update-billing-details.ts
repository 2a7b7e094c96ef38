// The client's billing details: who invoices are addressed to. Each invoice keeps the
// details it was issued with (Invoice.billTo), so an edit shows on the next invoice only.
// Every change writes an audit entry.
import { z } from "zod";
import type { TSessionUser } from "@/server/auth/session";
import { inTransaction, type TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { clockNow } from "@/server/clock";
import { recordAudit } from "@/server/auth/audit-log";

const MAX_ADDRESS_LINES = 6;

export const ZUpdateBillingDetailsInput = z.object({
  id: z.uuid("must be a client id"),
  billingEmail: z.email("must be an email address").max(254),
  // Both accept what they produce (null), so parsing twice (router, then here) is harmless.
  /** Postal address, one line per line; empty or null: none. */
  billingAddress: z
    .string()
    .max(500)
    .nullable()
    .transform((value) => (value ?? "").split(/\r?\n/).map((line) => line.trim()).filter(Boolean).join("\n"))
    .refine((value) => value.split("\n").length <= MAX_ADDRESS_LINES, `at most ${MAX_ADDRESS_LINES} lines`)
    .transform((value) => value || null),
  /** VAT / tax registration number; empty or null: none. */
  taxId: z
    .string()
    .trim()
    .max(50)
    .nullable()
    .transform((value) => value || null),
});
export type TUpdateBillingDetailsInput = z.input<typeof ZUpdateBillingDetailsInput>;

export const ZBillingDetails = z.object({
  id: z.string(),
  billingEmail: z.string(),
  billingAddress: z.string().nullable(),
  taxId: z.string().nullable(),
});
export type TBillingDetails = z.infer<typeof ZBillingDetails>;

const SELECT = { id: true, billingEmail: true, billingAddress: true, taxId: true } as const;

export async function updateBillingDetails(db: TDb, rawInput: TUpdateBillingDetailsInput, actor: TSessionUser): Promise<TBillingDetails> {
  const { id, ...details } = parseInput(ZUpdateBillingDetailsInput, rawInput);
  return inTransaction(db, async (tx) => {
    const before = await tx.client.findUnique({ where: { id }, select: SELECT });
    if (!before) throw new AppError("NOT_FOUND", "No client with that id.", { id });
    const after = await tx.client.update({ where: { id }, data: details, select: SELECT });
    await recordAudit(tx, actor, clockNow(), {
      action: "client.billing_details",
      entityType: "Client",
      entityId: id,
      clientId: id,
      before: { billingEmail: before.billingEmail, billingAddress: before.billingAddress, taxId: before.taxId },
      after: details,
    });
    return after;
  });
}
