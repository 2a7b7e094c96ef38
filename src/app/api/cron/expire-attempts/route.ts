import { cronHandlers } from "@/server/http/cron-routes";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = cronHandlers.expireAttempts;
export const GET = cronHandlers.expireAttempts;
