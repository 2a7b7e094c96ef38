import { getSession } from "@/server/auth/auth-options";
import { clockNow } from "@/server/clock";
import { getDb } from "@/server/db/client";
import { createUsageExportHandlers } from "@/server/http/usage-export-http";

// Node runtime: the database needs it; never cached (a session's view of live usage).
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handlers = createUsageExportHandlers({ getDb, getSession, now: clockNow });

export async function GET(request: Request) {
  return handlers.allClientsUsage(request);
}
