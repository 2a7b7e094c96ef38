// GET /api/clients/[id]/usage/export and GET /api/usage/export as plain functions, so the
// Next routes and the tests run the same code. Any dashboard session (admin or viewer)
// may export: a missing one is 401 JSON, never a redirect to the login page.
import type { TSession } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { exportAllClientsUsage, exportClientUsage, usageExportCsvStream, type TUsageExport } from "./usage-export";
import { parseAllClientsUsageExportParams, parseClientUsageExportParams } from "./usage-export-params";

type TDeps = {
  getDb: () => Promise<TDb>;
  getSession: () => Promise<TSession | null>;
  /** The app's clock (clockNow): the default months of an export without `to` or `period`. */
  now: () => Date;
  batchSize?: number;
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } });
}

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

async function exportOrError(what: string, deps: TDeps, run: () => Promise<TUsageExport>): Promise<Response> {
  try {
    const session = await deps.getSession();
    if (!session) throw new AppError("UNAUTHORIZED", "Sign in to export usage.");
    return csvResponse(await run(), what);
  } catch (error) {
    if (error instanceof AppError) return json(error.httpStatus, { error: { code: error.code, message: error.message } });
    console.error(`usage export ${what} failed:`, error);
    return json(500, { error: { code: "INTERNAL_SERVER_ERROR", message: "The usage export could not be produced." } });
  }
}

export function createUsageExportHandlers(deps: TDeps) {
  return {
    /** One client's usage: ?from=YYYY-MM&to=YYYY-MM&granularity=month|day|event. */
    clientUsage: (request: Request, clientId: string) =>
      exportOrError(`of client ${clientId.slice(0, 64)}`, deps, async () => {
        const params = parseClientUsageExportParams(clientId, new URL(request.url).searchParams, deps.now());
        return exportClientUsage(await deps.getDb(), params, { signal: request.signal, batchSize: deps.batchSize });
      }),
    /** Every client's counters in one period: ?period=YYYY-MM. */
    allClientsUsage: (request: Request) =>
      exportOrError("of all clients", deps, async () => {
        const params = parseAllClientsUsageExportParams(new URL(request.url).searchParams, deps.now());
        return exportAllClientsUsage(await deps.getDb(), params, { signal: request.signal, batchSize: deps.batchSize });
      }),
  };
}
