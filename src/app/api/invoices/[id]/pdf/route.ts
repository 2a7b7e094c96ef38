import { getSession } from "@/server/auth/auth-options";
import { createInvoicePdfHandler } from "@/server/http/invoice-pdf-http";
import { getDb } from "@/server/db/client";

// Node runtime: React-PDF and the database need it; never cached (admin-only, per invoice).
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handleInvoicePdfRequest = createInvoicePdfHandler({ getDb, getSession });

export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  return handleInvoicePdfRequest(request, id);
}
