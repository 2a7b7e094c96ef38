// What the alerts procedures return, as the pages and components see it.
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type TAlertsOutputs = inferRouterOutputs<AppRouter>["alerts"];

export type TUsageAlertItem = TAlertsOutputs["list"]["items"][number];
export type TOutboxItem = TAlertsOutputs["outbox"]["items"][number];
export type TAlertSettingsView = TAlertsOutputs["settings"];
