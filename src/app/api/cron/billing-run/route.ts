import { cronHandlers } from "@/server/http/cron-routes";

// Node runtime (the database); never cached; a month of 10,000 clients takes seconds.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const maxDuration = 300;

export const POST = cronHandlers.billingRun;
export const GET = cronHandlers.billingRun;
