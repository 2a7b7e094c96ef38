// GET /api/clients/[id]/usage/export and GET /api/usage/export as plain functions, so the
// Next routes and the tests run the same code. Any dashboard session (admin or viewer)
// may export (withAdminSession): a missing one is 401 JSON, never a redirect to the login page.
import type { TSession } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import { exportAllClientsUsage, exportClientUsage, usageExportCsvStream, type TUsageExport } from "@/server/usage/usage-export";
import { parseAllClientsUsageExportParams, parseClientUsageExportParams } from "@/server/usage/usage-export-params";
import { withAdminSession } from "./with-admin-session";

type TDeps = {
  getDb: () => Promise<TDb>;
  getSession: () => Promise<TSession | null>;
  /** The app's clock (clockNow): the default months of an export without `to` or `period`. */
  now: () => Date;
  batchSize?: number;
};

function csvResponse(usageExport: TUsageExport, what: string): Response {
  const body = usageExportCsvStream(usageExport, (error) => console.error(`usage export ${what} failed mid-stream:`, error));
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${usageExport.filename}"`,
      // Usage names clients and their spending: no cache may keep it.
      "cache-control": "no-store",
    },
  });
}

export function createUsageExportHandlers(deps: TDeps) {
  const session = { getSession: deps.getSession, role: "any", signInMessage: "Sign in to export usage." } as const;
  const unexpected = (what: string) => ({ what: `usage export ${what}`, message: "The usage export could not be produced." });
  const ofClient = (clientId: string) => `of client ${clientId.slice(0, 64)}`;
  return {
    /** One client's usage: ?from=YYYY-MM&to=YYYY-MM&granularity=month|day|event. */
    clientUsage: withAdminSession(session, (_request: Request, clientId: string) => unexpected(ofClient(clientId)), async (_user, request, clientId) => {
      const params = parseClientUsageExportParams(clientId, new URL(request.url).searchParams, deps.now());
      const usageExport = await exportClientUsage(await deps.getDb(), params, { signal: request.signal, batchSize: deps.batchSize });
      return csvResponse(usageExport, ofClient(clientId));
    }),
    /** Every client's counters in one period: ?period=YYYY-MM. */
    allClientsUsage: withAdminSession(session, (_request: Request) => unexpected("of all clients"), async (_user, request) => {
      const params = parseAllClientsUsageExportParams(new URL(request.url).searchParams, deps.now());
      const usageExport = await exportAllClientsUsage(await deps.getDb(), params, { signal: request.signal, batchSize: deps.batchSize });
      return csvResponse(usageExport, "of all clients");
    }),
  };
}
