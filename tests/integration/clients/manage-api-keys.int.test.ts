import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { afterAll, beforeAll, expect, it } from "vitest";
import { appRouter, createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { authenticateApiKey } from "@/server/clients/api-keys";
import type { TSession } from "@/server/auth/session";
import { createTestAdmin } from "../../support/fixtures";
import { createChatClient } from "../../support/chat-fixtures";
import { fakeReply, startLlmServers, type TLlmServers } from "../../support/llm-servers";
import { describeEachDatabase } from "../../support/test-database";

let servers: TLlmServers;
beforeAll(async () => {
  servers = await startLlmServers();
  // chat.send builds its providers from the environment on first use.
  Object.assign(process.env, {
    NEXTAUTH_SECRET: "x".repeat(40),
    OLLAMA_BASE_URL: servers.ollama.url,
    ANTHROPIC_BASE_URL: servers.anthropic.url,
    ANTHROPIC_API_KEY: servers.apiKey,
    OPENAI_BASE_URL: servers.openai.url,
    OPENAI_API_KEY: servers.apiKey,
  });
});
afterAll(async () => {
  await servers.close();
});

describeEachDatabase("API key management and tRPC chat.send", (testDb) => {
  async function call(options: { session?: TSession | null; authorization?: string }, path: string, input: unknown) {
    const headers = new Headers({ "content-type": "application/json" });
    if (options.authorization) headers.set("authorization", options.authorization);
    const request = new Request(`http://test/api/trpc/${path}`, { method: "POST", headers, body: JSON.stringify(superjson.serialize(input)) });
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: request,
      router: appRouter,
      createContext: () => createTRPCContext({ db: testDb().db, session: options.session ?? null, headers: request.headers }),
    });
    const body = (await response.json()) as { result?: { data: { json: unknown } }; error?: { json: { data: { code: string } } } };
    return { status: response.status, data: body.result?.data.json as Record<string, unknown> | undefined, code: body.error?.json.data.code };
  }

  it("an admin issues a key (shown once, audited) and revokes it; a viewer can do neither", async () => {
    const { db } = testDb();
    const admin = { user: await createTestAdmin(db, "admin") };
    const viewer = { user: await createTestAdmin(db, "viewer") };
    const chat = await createChatClient(db);

    const refused = await call({ session: viewer }, "clients.issueApiKey", { clientId: chat.clientId, kind: "secret", name: "ci" });
    expect(refused).toMatchObject({ status: 403, code: "FORBIDDEN" });

    const issued = await call({ session: admin }, "clients.issueApiKey", { clientId: chat.clientId, kind: "secret", name: "ci" });
    expect(issued.status).toBe(200);
    const key = issued.data!.key as string;
    expect(key).toMatch(/^sk_/);
    const resolved = await authenticateApiKey(db, { authorization: `Bearer ${key}`, origin: null });
    expect(resolved.id).toBe(chat.clientId);

    const caller = createCaller(createTRPCContext({ db, session: admin, headers: new Headers() }));
    const detail = await caller.clients.get({ id: chat.clientId });
    expect(detail.apiKeys.map((k) => k.name)).toContain("ci");
    expect(JSON.stringify(detail)).not.toContain(key);

    expect((await call({ session: viewer }, "clients.revokeApiKey", { clientId: chat.clientId, apiKeyId: issued.data!.id })).status).toBe(403);
    expect((await call({ session: admin }, "clients.revokeApiKey", { clientId: chat.clientId, apiKeyId: issued.data!.id })).status).toBe(200);
    await expect(authenticateApiKey(db, { authorization: `Bearer ${key}`, origin: null })).rejects.toMatchObject({ code: "KEY_REVOKED" });

    const audit = await db.auditLog.findMany({ where: { clientId: chat.clientId }, orderBy: { createdAt: "asc" }, select: { action: true, actorEmail: true } });
    expect(audit).toEqual([
      { action: "api_key.create", actorEmail: admin.user.email },
      { action: "api_key.revoke", actorEmail: admin.user.email },
    ]);
  });

  it("chat.send answers a tenant key over tRPC and meters it like the HTTP route; no key is UNAUTHORIZED", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db);
    const reply = await call({ authorization: `Bearer ${chat.secretKey}` }, "chat.send", { message: "Typed hello" });
    expect(reply.status).toBe(200);
    expect(reply.data).toMatchObject({ reply: fakeReply([{ role: "user", content: "Typed hello" }], { cache: false }).text, provider: "anthropic" });
    expect(await db.usageEvent.count({ where: { clientId: chat.clientId } })).toBe(1);
    expect(await call({}, "chat.send", { message: "hi" })).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
  });
});
