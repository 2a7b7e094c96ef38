import { describe, expect, it } from "vitest";
import { describeLimit, eventSubject, notificationDedupeKey, ZAlertEvent } from "./alert-events";
import { generateWebhookSecret, signedWebhookHeaders } from "./webhook-signing";

const DATA = {
  alertId: "a1", clientId: "c1", clientName: "Acme", period: "2026-11", limitKey: "messagesPerMonth", counter: "messages",
  threshold: 80, limit: "1000", value: "800", planKey: "starter", upgradeUrl: null,
};

describe("alert events", () => {
  it.each([
    ["messagesPerMonth", "messages per month"],
    ["inputTokensPerMonth", "input tokens per month"],
    ["costLimitUSD", "cost (USD)"],
    ["integrationsEnabled", "integrations enabled"],
  ])("a limit key reads as words: %s -> %s", (key, words) => {
    expect(describeLimit(key)).toBe(words);
  });

  it("subjects name the client, the threshold, the limit and the period", () => {
    expect(eventSubject({ type: "alert.threshold_crossed", timestamp: "t", data: DATA })).toBe("Acme: 80% of the messages per month limit reached (2026-11)");
    expect(eventSubject({ type: "alert.resolved", timestamp: "t", data: { ...DATA, resolvedReason: "plan_change" } })).toBe("Acme: back under 80% of the messages per month limit (2026-11)");
  });

  it("one dedupe key per event, channel and recipient", () => {
    expect(notificationDedupeKey("alert.resolved", "a1", "webhook", "https://x.test/h")).toBe("alert.resolved:a1:webhook:https://x.test/h");
    expect(notificationDedupeKey("alert.resolved", "a1", "email", "a@x.test")).not.toBe(notificationDedupeKey("alert.threshold_crossed", "a1", "email", "a@x.test"));
  });

  it("a stored event must carry decimals as strings: a float is refused", () => {
    expect(ZAlertEvent.safeParse({ type: "alert.threshold_crossed", timestamp: "t", data: DATA }).success).toBe(true);
    expect(ZAlertEvent.safeParse({ type: "alert.threshold_crossed", timestamp: "t", data: { ...DATA, value: 800.5 } }).success).toBe(false);
  });
});

describe("webhook signing", () => {
  it("a secret is whsec_ and 32 random bytes in base64; two are never the same", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it("headers carry the id, the timestamp in seconds and a v1 signature that changes with the body", () => {
    const secret = generateWebhookSecret();
    const timestamp = new Date("2026-11-20T10:00:00.900Z");
    const a = signedWebhookHeaders(secret, { id: "msg_1", timestamp, body: '{"a":1}' });
    const b = signedWebhookHeaders(secret, { id: "msg_1", timestamp, body: '{"a":2}' });
    expect(a["webhook-id"]).toBe("msg_1");
    expect(a["webhook-timestamp"]).toBe(String(Math.floor(timestamp.getTime() / 1000)));
    expect(a["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(b["webhook-signature"]).not.toBe(a["webhook-signature"]);
  });
});
