// The events the outbox sends, one body for both channels: a webhook POSTs it as JSON
// (Standard Webhooks style: `type`, `timestamp`, `data`), an email is rendered from it.
// Decimals travel as strings, instants as ISO 8601 UTC.
import { z } from "zod";

export const ALERT_EVENT_TYPES = ["alert.threshold_crossed", "alert.resolved", "alert.test", "usage.daily_summary"] as const;
export const ZAlertEventType = z.enum(ALERT_EVENT_TYPES);
export type TAlertEventType = z.infer<typeof ZAlertEventType>;

const ZDecimalString = z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal string");

export const ZAlertData = z.object({
  alertId: z.string(),
  clientId: z.string(),
  clientName: z.string(),
  period: z.string(),
  limitKey: z.string(),
  counter: z.string(),
  threshold: z.number().int(),
  limit: ZDecimalString,
  value: ZDecimalString,
  planKey: z.string(),
  upgradeUrl: z.string().nullable(),
  resolvedReason: z.string().optional(),
});
export type TAlertData = z.infer<typeof ZAlertData>;

export const ZTestData = z.object({ clientId: z.string(), clientName: z.string(), message: z.string() });

export const ZSummaryData = z.object({
  clientId: z.string(),
  clientName: z.string(),
  date: z.string(),
  period: z.string(),
  planKey: z.string(),
  metrics: z.array(z.object({ counter: z.string(), value: ZDecimalString, limitKey: z.string().nullable(), limit: ZDecimalString.nullable() })),
});
export type TSummaryData = z.infer<typeof ZSummaryData>;

export const ZAlertEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("alert.threshold_crossed"), timestamp: z.string(), data: ZAlertData }),
  z.object({ type: z.literal("alert.resolved"), timestamp: z.string(), data: ZAlertData.extend({ resolvedReason: z.string() }) }),
  z.object({ type: z.literal("alert.test"), timestamp: z.string(), data: ZTestData }),
  z.object({ type: z.literal("usage.daily_summary"), timestamp: z.string(), data: ZSummaryData }),
]);
export type TAlertEvent = z.infer<typeof ZAlertEvent>;

/** One row per (event, channel, recipient): the outbox's unique key, so a repeated fan-out adds nothing. */
export function notificationDedupeKey(kind: string, subjectId: string, channel: "email" | "webhook", recipient: string): string {
  return `${kind}:${subjectId}:${channel}:${recipient}`;
}

/** A limit key as people read it: 'messagesPerMonth' -> 'messages per month', 'costLimitUSD' -> 'cost (USD)'. */
export function describeLimit(limitKey: string): string {
  if (limitKey === "costLimitUSD") return "cost (USD)";
  return limitKey
    .replace(/PerMonth$/, " per month")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

/** The email subject of an event. */
export function eventSubject(event: TAlertEvent): string {
  switch (event.type) {
    case "alert.threshold_crossed":
      return `${event.data.clientName}: ${event.data.threshold}% of the ${describeLimit(event.data.limitKey)} limit reached (${event.data.period})`;
    case "alert.resolved":
      return `${event.data.clientName}: back under ${event.data.threshold}% of the ${describeLimit(event.data.limitKey)} limit (${event.data.period})`;
    case "alert.test":
      return `${event.data.clientName}: test alert from Meterline`;
    case "usage.daily_summary":
      return `${event.data.clientName}: usage summary for ${event.data.date}`;
  }
}
