// Usage alerts and their outbox: lists for everyone signed in; settings, test sends and
// resends for admins (each audited by the domain function).
import { z } from "zod";
import { isProductionEnv } from "@/env";
import { adminProcedure, createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { clockNow } from "@/server/clock";
import {
  ZAlertSettings,
  ZClientIdInput,
  ZResendNotificationInput,
  ZSetAlertWebhookInput,
  ZSetAlertWebhookOutput,
  ZUpdateAlertSettingsInput,
  getAlertSettings,
  resendNotification,
  sendTestAlert,
  setAlertWebhook,
  updateAlertSettings,
} from "@/server/alerts/alert-settings";
import {
  ZGetNotificationInput,
  ZListNotificationsInput,
  ZListNotificationsOutput,
  ZListUsageAlertsInput,
  ZListUsageAlertsOutput,
  ZNotificationDetail,
  getNotification,
  listNotifications,
  listUsageAlerts,
} from "@/server/alerts/list-alerts";

export const alertsRouter = createTRPCRouter({
  list: viewerProcedure
    .input(ZListUsageAlertsInput)
    .output(ZListUsageAlertsOutput)
    .query(({ ctx, input }) => listUsageAlerts(ctx.db, input)),

  outbox: viewerProcedure
    .input(ZListNotificationsInput)
    .output(ZListNotificationsOutput)
    .query(({ ctx, input }) => listNotifications(ctx.db, input)),

  notification: viewerProcedure
    .input(ZGetNotificationInput)
    .output(ZNotificationDetail)
    .query(({ ctx, input }) => getNotification(ctx.db, input)),

  settings: viewerProcedure
    .input(ZClientIdInput)
    .output(ZAlertSettings)
    .query(({ ctx, input }) => getAlertSettings(ctx.db, input)),

  /** Alert emails and the daily summary opt-in. */
  updateSettings: adminProcedure
    .input(ZUpdateAlertSettingsInput)
    .output(ZAlertSettings)
    .mutation(({ ctx, input }) => updateAlertSettings(ctx.db, input, ctx.session.user, clockNow())),

  /** The new signing secret is in this response only. */
  setWebhook: adminProcedure
    .input(ZSetAlertWebhookInput)
    .output(ZSetAlertWebhookOutput)
    .mutation(({ ctx, input }) =>
      setAlertWebhook(ctx.db, input, ctx.session.user, clockNow(), { allowHttpLocalhost: !isProductionEnv() }),
    ),

  sendTest: adminProcedure
    .input(ZClientIdInput)
    .output(z.object({ queued: z.number() }))
    .mutation(({ ctx, input }) => sendTestAlert(ctx.db, input, ctx.session.user, clockNow())),

  resend: adminProcedure
    .input(ZResendNotificationInput)
    .output(z.object({ id: z.string(), status: z.literal("pending") }))
    .mutation(({ ctx, input }) => resendNotification(ctx.db, input, ctx.session.user, clockNow())),
});
