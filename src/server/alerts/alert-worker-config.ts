// The alert worker's settings, from the environment (read at the edges: the app's
// instrumentation, scripts/worker.ts, the cron route).
import { env } from "@/env";
import { emailTransportFromConfig, type TDeliveryOptions } from "./deliver-notifications";

let cached: TDeliveryOptions | undefined;

export function alertDeliveryOptionsFromEnv(): TDeliveryOptions {
  const config = env();
  cached ??= { email: emailTransportFromConfig({ apiKey: config.RESEND_API_KEY, baseUrl: config.RESEND_BASE_URL, from: config.ALERTS_EMAIL_FROM }) };
  return cached;
}
