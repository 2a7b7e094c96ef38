import { cronHandlers } from "@/server/http/cron-routes";

// Node runtime (the database, outbound webhooks); never cached; a pass waits at most one
// webhook timeout per batch.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const maxDuration = 120;

export const POST = cronHandlers.alerts;
export const GET = cronHandlers.alerts;
