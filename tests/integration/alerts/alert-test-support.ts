// Shared by the alerts suites: alerts written as the chat's settle statement writes them,
// clients with alert recipients, a local HTTP endpoint that records what it receives, and a
// Standard Webhooks verifier written from the spec (not the library the app signs with).
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { TDbClient } from "@/server/db/client";
import { generateWebhookSecret } from "@/server/alerts/webhook-signing";
import { createTestClient } from "../../support/fixtures";

export async function createAlertClient(
  db: TDbClient,
  options: { emails?: string[]; webhookUrl?: string | null; name?: string; planKey?: string } = {},
): Promise<{ id: string; planKey: string; secret: string | null }> {
  const client = await createTestClient(db, { name: options.name, planKey: options.planKey });
  const secret = options.webhookUrl ? generateWebhookSecret() : null;
  await db.client.update({
    where: { id: client.id },
    data: { alertEmails: options.emails ?? [], alertWebhookUrl: options.webhookUrl ?? null, alertWebhookSecret: secret },
  });
  return { id: client.id, planKey: client.planKey, secret };
}

export async function createAlert(
  db: TDbClient,
  input: { clientId: string; planKey: string; threshold?: number; period?: string; crossedAt: Date; limitKey?: string },
): Promise<{ id: string }> {
  return db.usageAlert.create({
    data: {
      clientId: input.clientId,
      period: input.period ?? input.crossedAt.toISOString().slice(0, 7),
      limitKey: input.limitKey ?? "messagesPerMonth",
      counter: "messages",
      threshold: input.threshold ?? 80,
      limit: "1000",
      value: "800",
      planKey: input.planKey,
      crossedAt: input.crossedAt,
    },
    select: { id: true },
  });
}

export type TReceived = { headers: http.IncomingHttpHeaders; body: string; path: string };

export type TEndpoint = {
  url: string;
  received: TReceived[];
  /** What the next requests get: a status, or "hang" (never answers). */
  respond: (status: number | "hang") => void;
  close(): Promise<void>;
};

export async function startEndpoint(initial: number | "hang" = 200): Promise<TEndpoint> {
  let mode: number | "hang" = initial;
  const received: TReceived[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), path: request.url ?? "" });
      if (mode === "hang") {
        hanging.add(response);
        return;
      }
      response.writeHead(mode, { "content-type": "application/json" });
      // Resend's API answers `{ id }`, or `{ statusCode, name, message }` when it refuses.
      const resend = request.url === "/emails";
      const answer = mode < 300 ? (resend ? { id: `email_${received.length}` } : { ok: true }) : { statusCode: mode, name: "validation_error", message: `refused with ${mode}` };
      response.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respond: (next) => {
      mode = next;
    },
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The Standard Webhooks verification, from the spec: the secret is base64 after `whsec_`;
 * the signed content is `${id}.${timestamp}.${body}`; HMAC-SHA256, base64; the header holds
 * space-separated `v1,<signature>` entries; the timestamp must be within the tolerance.
 */
export function verifyStandardWebhook(secret: string, headers: http.IncomingHttpHeaders, body: string, now: Date, toleranceSeconds = 300): boolean {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  if (typeof id !== "string" || typeof timestamp !== "string" || typeof signatures !== "string") return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  if (!secret.startsWith("whsec_")) return false;
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(" ").some((entry) => {
    const [version, signature] = entry.split(",");
    if (version !== "v1" || !signature) return false;
    const given = Buffer.from(signature, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
