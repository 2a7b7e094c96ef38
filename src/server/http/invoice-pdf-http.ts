// GET /api/invoices/[id]/pdf as a plain function, so the Next route and the tests run
// the same code. Admins only (withAdminSession): a missing session is UNAUTHORIZED, a
// viewer FORBIDDEN.
import type { TSession } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { ZGetInvoiceInput } from "@/server/billing/get-invoice";
import { renderInvoicePdf, type TInvoicePdfSeller } from "@/server/billing/invoice-pdf";
import { loadInvoicePdfData, sellerFromEnv } from "@/server/billing/invoice-pdf-data";
import { withAdminSession } from "./with-admin-session";

type TDeps = {
  getDb: () => Promise<TDb>;
  getSession: () => Promise<TSession | null>;
  /** Read per request (env at request time, never at build time). */
  getSeller?: () => TInvoicePdfSeller;
};

/** The download name: the invoice number, reduced to characters every browser and OS accepts. */
export function invoicePdfFilename(invoiceNumber: string): string {
  return `${invoiceNumber.replace(/[^A-Za-z0-9._-]/g, "_") || "invoice"}.pdf`;
}

export function createInvoicePdfHandler(deps: TDeps) {
  return withAdminSession(
    { getSession: deps.getSession, role: "admin", signInMessage: "Sign in to download invoices.", forbiddenMessage: "Only admins can download invoices." },
    (_request: Request, invoiceId: string) => ({ what: `invoice PDF ${invoiceId.slice(0, 64)}`, message: "The invoice PDF could not be rendered." }),
    async (_user, _request, invoiceId) => {
      const input = ZGetInvoiceInput.safeParse({ id: invoiceId });
      if (!input.success) throw new AppError("BAD_REQUEST", "The invoice id must be a UUID.", { id: invoiceId });

      const invoice = await loadInvoicePdfData(await deps.getDb(), input.data.id);
      const pdf = await renderInvoicePdf(invoice, (deps.getSeller ?? sellerFromEnv)());
      return new Response(new Uint8Array(pdf), {
        status: 200,
        headers: {
          "content-type": "application/pdf",
          "content-disposition": `attachment; filename="${invoicePdfFilename(invoice.number)}"`,
          "content-length": String(pdf.byteLength),
          // An invoice names a client and its amounts: no shared cache may keep it.
          "cache-control": "private, no-store",
        },
      });
    },
  );
}
