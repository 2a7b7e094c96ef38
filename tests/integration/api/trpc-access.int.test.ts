import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { beforeAll, expect, it } from "vitest";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import type { TSession } from "@/server/auth/session";
import { createTestAdmin, createTestClient } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";

// Calls go through tRPC's real HTTP handler, so the status codes and the error shape
// are exactly what the dashboard (or any HTTP caller) receives.
describeEachDatabase("tRPC access control and errors", (testDb) => {
  let viewer: TSession;
  let admin: TSession;
  let clientId: string;

  beforeAll(async () => {
    const { db } = testDb();
    viewer = { user: await createTestAdmin(db, "viewer") };
    admin = { user: await createTestAdmin(db, "admin") };
    clientId = (await createTestClient(db)).id;
  });

  async function call(session: TSession | null, path: string, input: unknown, method: "GET" | "POST") {
    const encoded = encodeURIComponent(JSON.stringify(superjson.serialize(input)));
    const url = method === "GET" ? `http://test/api/trpc/${path}?input=${encoded}` : `http://test/api/trpc/${path}`;
    const request = new Request(url, {
      method,
      headers: { "content-type": "application/json" },
      body: method === "POST" ? JSON.stringify(superjson.serialize(input)) : undefined,
    });
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: request,
      router: appRouter,
      createContext: () => createTRPCContext({ db: testDb().db, session, headers: request.headers }),
    });
    const body = (await response.json()) as { error?: { json: { message: string; data: Record<string, unknown> } }; result?: unknown };
    return { status: response.status, error: body.error?.json, result: body.result };
  }

  it("a call without a session is UNAUTHORIZED (401)", async () => {
    const response = await call(null, "clients.list", {}, "GET");
    expect(response.status).toBe(401);
    expect(response.error?.data.code).toBe("UNAUTHORIZED");
  });

  it("a viewer can read", async () => {
    const response = await call(viewer, "clients.list", { search: "" }, "GET");
    expect(response.status).toBe(200);
  });

  it("a viewer's mutation is FORBIDDEN (403), and nothing changes", async () => {
    const response = await call(viewer, "clients.setStatus", { id: clientId, status: "suspended", reason: "unpaid" }, "POST");
    expect(response.status).toBe(403);
    expect(response.error?.data.code).toBe("FORBIDDEN");
    const client = await testDb().db.client.findUniqueOrThrow({ where: { id: clientId }, select: { status: true } });
    expect(client.status).toBe("active");
  });

  it("bad input is BAD_REQUEST (400) naming the field", async () => {
    const response = await call(admin, "clients.setStatus", { id: clientId, status: "frozen", reason: "unpaid" }, "POST");
    expect(response.status).toBe(400);
    expect(response.error?.data.code).toBe("BAD_REQUEST");
    const zodError = response.error?.data.zodError as { fieldErrors: Record<string, string[]> };
    expect(Object.keys(zodError.fieldErrors)).toEqual(["status"]);
  });

  it("a domain error keeps its meaning: an unknown client is NOT_FOUND (404)", async () => {
    const response = await call(admin, "clients.get", { id: "00000000-0000-4000-8000-000000000000" }, "GET");
    expect(response.status).toBe(404);
    expect(response.error?.data.code).toBe("NOT_FOUND");
  });

  it("an admin's mutation succeeds and writes an audit entry", async () => {
    const response = await call(admin, "clients.setStatus", { id: clientId, status: "suspended", reason: "unpaid invoices" }, "POST");
    expect(response.status).toBe(200);
    const audit = await testDb().db.auditLog.findMany({ where: { entityId: clientId } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "client.status_change", actorEmail: admin.user.email, reason: "unpaid invoices" });
  });
});
