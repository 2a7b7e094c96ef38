// The handlers the /api/cron/* routes export, wired to the app's database and env.
import { env } from "@/env";
import { getDb } from "@/server/db/client";
import { alertDeliveryOptionsFromEnv } from "@/server/alerts/alert-worker-config";
import { createCronHandlers } from "./cron-http";

export const cronHandlers = createCronHandlers({ getDb, cronSecret: () => env().CRON_SECRET, alertDelivery: alertDeliveryOptionsFromEnv });
