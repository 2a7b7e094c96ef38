// GET /api/invoices/[id]/pdf as a plain function, so the Next route and the tests run
// the same code. Admins only: a missing session is UNAUTHORIZED, a viewer FORBIDDEN.
import type { TSession } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { ZGetInvoiceInput } from "./get-invoice";
import { renderInvoicePdf, type TInvoicePdfSeller } from "./invoice-pdf";
import { loadInvoicePdfData, sellerFromEnv } from "./invoice-pdf-data";

type TDeps = {
  getDb: () => Promise<TDb>;
  getSession: () => Promise<TSession | null>;
  /** Read per request (env at request time, never at build time). */
  getSeller?: () => TInvoicePdfSeller;
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } });
}

/** The download name: the invoice number, reduced to characters every browser and OS accepts. */
export function invoicePdfFilename(invoiceNumber: string): string {
  return `${invoiceNumber.replace(/[^A-Za-z0-9._-]/g, "_") || "invoice"}.pdf`;
}

export function createInvoicePdfHandler(deps: TDeps) {
  return async (_request: Request, invoiceId: string): Promise<Response> => {
    try {
      const session = await deps.getSession();
      if (!session) throw new AppError("UNAUTHORIZED", "Sign in to download invoices.");
      if (session.user.role !== "admin") throw new AppError("FORBIDDEN", "Only admins can download invoices.");
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
    } catch (error) {
      if (error instanceof AppError) return json(error.httpStatus, { error: { code: error.code, message: error.message } });
      console.error(`invoice PDF ${invoiceId} failed:`, error);
      return json(500, { error: { code: "INTERNAL_SERVER_ERROR", message: "The invoice PDF could not be rendered." } });
    }
  };
}
