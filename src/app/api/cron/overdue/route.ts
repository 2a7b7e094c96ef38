import { cronHandlers } from "@/server/http/cron-routes";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = cronHandlers.overdue;
export const GET = cronHandlers.overdue;
