// What the invoice PDF template (invoice-pdf.tsx) prints, gathered here so the
// template stays pure: the invoice DTO with the buyer it was issued to, the plan's name,
// and the seller from the environment.
import { z } from "zod";
import { env, type TServerEnv } from "@/env";
import type { TDbClient } from "@/server/db/client";
import { getInvoice } from "./get-invoice";
import type { TInvoicePdfInvoice, TInvoicePdfSeller } from "./invoice-pdf";

const ZPlanSnapshotName = z.object({ name: z.string().min(1) });

/** The invoice with its lines, bill-to details and plan name; AppError NOT_FOUND when there is none. */
export async function loadInvoicePdfData(db: TDbClient, invoiceId: string): Promise<TInvoicePdfInvoice> {
  const invoice = await getInvoice(db, { id: invoiceId });
  const [client, plan] = await Promise.all([
    // Only for an invoice without its own buyer snapshot (none is issued so any more).
    invoice.billTo ? null : db.client.findUniqueOrThrow({ where: { id: invoice.clientId }, select: { name: true, billingEmail: true, slug: true } }),
    // The name the plan had at the invoiced version (a plan can be renamed later).
    db.planConfig.findUnique({
      where: { key: invoice.planKey },
      select: { name: true, versions: { where: { version: invoice.planVersion }, select: { snapshot: true } } },
    }),
  ]);
  const versionName = ZPlanSnapshotName.safeParse(plan?.versions[0]?.snapshot).data?.name;
  return {
    ...invoice,
    planName: versionName ?? plan?.name ?? invoice.planKey,
    billTo: invoice.billTo ?? { name: client!.name, email: client!.billingEmail, account: client!.slug, addressLines: [], taxId: null },
  };
}

type TSellerEnv = Pick<TServerEnv, "INVOICE_SELLER_NAME" | "INVOICE_SELLER_ADDRESS" | "INVOICE_SELLER_EMAIL" | "INVOICE_SELLER_TAX_ID">;

/**
 * The seller printed on invoices. Address lines are split on real newlines and on a
 * literal backslash-n: .env files keep "\n" as two characters.
 */
export function sellerFromEnv(source: TSellerEnv = env()): TInvoicePdfSeller {
  return {
    name: source.INVOICE_SELLER_NAME.trim(),
    addressLines: source.INVOICE_SELLER_ADDRESS.split(/\r?\n|\\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0),
    email: source.INVOICE_SELLER_EMAIL,
    taxId: source.INVOICE_SELLER_TAX_ID?.trim() || null,
  };
}
