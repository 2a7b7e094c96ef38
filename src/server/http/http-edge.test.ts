// The HTTP edge's rules, with fake dependencies (no database): every wrapper answers in
// the one JSON shape { error, code, ...data }, and an unexpected failure is a 500 with a
// request id that the log has with the whole error, never the error's own text.
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import type { TSession } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import type { TLlmGateway } from "@/server/chat/send-chat-message";
import { AppError } from "@/server/errors/app-error";
import { createChatHandler, MAX_BODY_BYTES } from "./chat-http";
import { createCronHandlers } from "./cron-http";
import { toErrorResponse } from "./error-response";
import { createInvoicePdfHandler } from "./invoice-pdf-http";
import { createUsageExportHandlers } from "./usage-export-http";
import { createWebhookHandler } from "./webhook-http";

const ORM_FAILURE = "Invalid `prisma.invoice.findUnique()` invocation: ERROR: relation missing (SQLSTATE 42P01)";
const LEAKS = /prisma|invocation|sqlstate|at \w+ \(|node_modules/i;
const brokenDb = async (): Promise<TDb> => {
  throw new Error(ORM_FAILURE);
};
const admin: TSession = { user: { id: "u1", email: "admin@example.com", name: "Admin", role: "admin" } };
const viewer: TSession = { user: { ...admin.user, role: "viewer" } };
const gateway: TLlmGateway = {
  provider: () => {
    throw new Error("no provider in this test");
  },
};
const chatRequest = (body: string, headers: Record<string, string> = {}) =>
  new Request("http://test/api/chat", { method: "POST", headers: { authorization: `Bearer sk_${"x".repeat(32)}`, "content-type": "application/json", ...headers }, body });

let logged: MockInstance<typeof console.error>;
beforeEach(() => {
  logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
});
afterEach(() => logged.mockRestore());

async function expectUnexpected(response: Response) {
  expect([response.status, response.headers.get("content-type")]).toEqual([500, "application/json; charset=utf-8"]);
  const body = (await response.json()) as { error: string; code: string; requestId: string };
  expect(body).toMatchObject({ code: "INTERNAL_SERVER_ERROR", requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  expect(body.error).toContain(body.requestId);
  expect(JSON.stringify(body)).not.toMatch(LEAKS);
  const line = logged.mock.calls.find((call) => String(call[0]).includes(body.requestId));
  expect(String(line?.[1])).toContain("SQLSTATE 42P01");
}

describe("the HTTP edge", () => {
  it("an AppError answers { error, code, ...data } with its code's status, and Retry-After from its data", async () => {
    const response = toErrorResponse(new AppError("IDEMPOTENCY_IN_PROGRESS", "In progress", { retryAfterSeconds: 2, key: "k" }), { what: "x", message: "y" });
    expect([response.status, response.headers.get("retry-after")]).toEqual([409, "2"]);
    expect(await response.json()).toEqual({ error: "In progress", code: "IDEMPOTENCY_IN_PROGRESS", key: "k" });
  });

  it("an unexpected failure is a 500 with a request id and no ORM text, on every wrapper", async () => {
    await expectUnexpected(await createChatHandler({ getDb: brokenDb, gateway }).POST(chatRequest(JSON.stringify({ message: "hi" }))));
    await expectUnexpected(await createChatHandler({ getDb: brokenDb, gateway }).OPTIONS(new Request("http://test/api/chat", { method: "OPTIONS", headers: { origin: "https://widget.example" } })));
    await expectUnexpected(await createInvoicePdfHandler({ getDb: brokenDb, getSession: async () => admin })(new Request("http://test"), "6f1c2c58-8f4e-4d8a-9a6e-0d6f1f7b2a10"));
    const exports = createUsageExportHandlers({ getDb: brokenDb, getSession: async () => viewer, now: () => new Date("2026-11-15T00:00:00Z") });
    await expectUnexpected(await exports.allClientsUsage(new Request("http://test/api/usage/export?period=2026-10")));
    const cron = createCronHandlers({ getDb: brokenDb, cronSecret: () => "s3cret" });
    await expectUnexpected(await cron.overdue(new Request("http://test/api/cron/overdue", { headers: { authorization: "Bearer s3cret" } })));
    await expectUnexpected(await createWebhookHandler({ getDb: brokenDb })(new Request("http://test/api/billing/webhook/stripe", { method: "POST", body: "{}" }), "stripe"));
  });

  it("the admin-session routes: 401 signed out, 403 for a viewer where admins only may call", async () => {
    const pdf = (session: TSession | null) => createInvoicePdfHandler({ getDb: brokenDb, getSession: async () => session })(new Request("http://test"), "x");
    expect([(await pdf(null)).status, await (await pdf(null)).json()]).toEqual([401, { error: "Sign in to download invoices.", code: "UNAUTHORIZED" }]);
    expect(await (await pdf(viewer)).json()).toEqual({ error: "Only admins can download invoices.", code: "FORBIDDEN" });
  });

  it("the cron routes refuse to run unprotected (503 CRON_NOT_CONFIGURED) and want the secret (401)", async () => {
    const unconfigured = await createCronHandlers({ getDb: brokenDb, cronSecret: () => undefined }).overdue(new Request("http://test/api/cron/overdue"));
    expect([unconfigured.status, await unconfigured.json()]).toEqual([
      503,
      { error: "Scheduled jobs are not configured: set CRON_SECRET.", code: "CRON_NOT_CONFIGURED", missing: ["CRON_SECRET"] },
    ]);
    const wrong = await createCronHandlers({ getDb: brokenDb, cronSecret: () => "s3cret" }).overdue(new Request("http://test", { headers: { authorization: "Bearer nope" } }));
    expect([wrong.status, ((await wrong.json()) as { code: string }).code]).toEqual([401, "UNAUTHORIZED"]);
  });

  it("a tenant request is refused before the database: a bad key 401, a body too large 413, not JSON 400, without CORS headers for the key", async () => {
    const chat = createChatHandler({ getDb: brokenDb, gateway });
    const noKey = await chat.POST(new Request("http://test/api/chat", { method: "POST", headers: { origin: "https://widget.example" }, body: "{}" }));
    expect([noKey.status, ((await noKey.json()) as { code: string }).code, noKey.headers.get("access-control-allow-origin")]).toEqual([401, "UNAUTHORIZED", null]);
    const large = await chat.POST(chatRequest(JSON.stringify({ message: "x".repeat(MAX_BODY_BYTES) })));
    expect([large.status, ((await large.json()) as { code: string }).code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    const notJson = await chat.POST(chatRequest("{not json"));
    expect([notJson.status, await notJson.json()]).toEqual([400, { error: "Body must be a JSON object.", code: "BAD_REQUEST" }]);
    expect(logged).not.toHaveBeenCalled();
  });
});
