// Payment history: charges and refunds across invoices, newest first, paged in SQL
// (the (clientId, createdAt) index serves a client's history).
import { z } from "zod";
import { INVOICE_PAYMENT_SELECT, ZInvoicePayment } from "@/server/invoices/invoice-payment";
import type { TDbClient } from "@/server/db/client";
import { formatMinorUnits } from "@/server/money/money";
import { pagingInput, ZPageInfo, pageWindow, pageInfo } from "@/shared/paging";

export const ZListPaymentsInput = z.object({
  clientId: z.uuid("must be a client id").optional(),
  invoiceId: z.uuid("must be an invoice id").optional(),
  ...pagingInput(),
});
export type TListPaymentsInput = z.input<typeof ZListPaymentsInput>;

/** A payment of the history: the invoice's payment DTO plus which invoice and client. */
export const ZPaymentListItem = ZInvoicePayment.extend({
  invoiceId: z.string(),
  invoiceNumber: z.string(),
  clientId: z.string(),
  clientName: z.string(),
});

export const ZListPaymentsOutput = z.object({
  items: z.array(ZPaymentListItem),
  ...ZPageInfo,
});
export type TListPaymentsOutput = z.infer<typeof ZListPaymentsOutput>;

export async function listPayments(db: TDbClient, rawInput: TListPaymentsInput): Promise<TListPaymentsOutput> {
  const input = ZListPaymentsInput.parse(rawInput);
  const where = { clientId: input.clientId, invoiceId: input.invoiceId };
  const [total, rows] = await Promise.all([
    db.payment.count({ where }),
    db.payment.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      ...pageWindow(input),
      select: {
        ...INVOICE_PAYMENT_SELECT,
        invoiceId: true,
        clientId: true,
        invoice: { select: { number: true } },
        client: { select: { name: true } },
      },
    }),
  ]);
  return {
    items: rows.map(({ invoice, client, amount, ...payment }) => ({
      ...payment,
      invoiceNumber: invoice.number,
      clientName: client.name,
      amount: formatMinorUnits(amount.toString(), payment.currency),
    })),
    ...pageInfo(input, total),
  };
}
