import { beforeAll, expect, it } from "vitest";
import { authenticateApiKey, createApiKey, hashApiKey, revokeApiKey } from "@/server/clients/api-keys";
import { AppError } from "@/server/errors/app-error";
import { createTestClient } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";

describeEachDatabase("tenant API keys", (testDb) => {
  let client: { id: string };
  let other: { id: string };

  beforeAll(async () => {
    client = await createTestClient(testDb().db, { allowedOrigins: ["https://shop.example.com"] });
    other = await createTestClient(testDb().db);
  });

  const bearer = (key: string) => `Bearer ${key}`;

  async function expectAppError(promise: Promise<unknown>, code: string) {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
  }

  it("stores only a sha256 of the key and resolves the key to its client", async () => {
    const created = await createApiKey(testDb().db, { clientId: client.id, kind: "secret", name: "server" });
    expect(created.key).toMatch(/^sk_/);
    const row = await testDb().db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.keyHash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);
    const resolved = await authenticateApiKey(testDb().db, { authorization: bearer(created.key), origin: null });
    expect(resolved).toMatchObject({ id: client.id, apiKeyKind: "secret" });
  });

  it("lastUsedAt is written on first use, not on every request", async () => {
    const created = await createApiKey(testDb().db, { clientId: client.id, kind: "secret", name: "touch" });
    await authenticateApiKey(testDb().db, { authorization: bearer(created.key), origin: null });
    const first = (await testDb().db.apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    await authenticateApiKey(testDb().db, { authorization: bearer(created.key), origin: null });
    const second = (await testDb().db.apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt;
    expect(second?.getTime()).toBe(first?.getTime());
  });

  it("a missing, malformed or unknown key is UNAUTHORIZED", async () => {
    await expectAppError(authenticateApiKey(testDb().db, { authorization: null, origin: null }), "UNAUTHORIZED");
    await expectAppError(authenticateApiKey(testDb().db, { authorization: "Bearer nope", origin: null }), "UNAUTHORIZED");
    await expectAppError(
      authenticateApiKey(testDb().db, { authorization: bearer(`sk_${"a".repeat(32)}`), origin: null }),
      "UNAUTHORIZED",
    );
  });

  it("a revoked key stops working; another client cannot revoke it", async () => {
    const created = await createApiKey(testDb().db, { clientId: client.id, kind: "secret", name: "old" });
    await expectAppError(revokeApiKey(testDb().db, { clientId: other.id, apiKeyId: created.id }), "NOT_FOUND");
    await authenticateApiKey(testDb().db, { authorization: bearer(created.key), origin: null });
    await revokeApiKey(testDb().db, { clientId: client.id, apiKeyId: created.id });
    await expectAppError(authenticateApiKey(testDb().db, { authorization: bearer(created.key), origin: null }), "KEY_REVOKED");
  });

  it("a publishable key works only from the client's allowed origins", async () => {
    const created = await createApiKey(testDb().db, { clientId: client.id, kind: "publishable", name: "widget" });
    expect(created.key).toMatch(/^pk_/);
    const ok = await authenticateApiKey(testDb().db, { authorization: bearer(created.key), origin: "https://shop.example.com" });
    expect(ok.id).toBe(client.id);
    await expectAppError(
      authenticateApiKey(testDb().db, { authorization: bearer(created.key), origin: "https://evil.example.com" }),
      "FORBIDDEN",
    );
    await expectAppError(authenticateApiKey(testDb().db, { authorization: bearer(created.key), origin: null }), "FORBIDDEN");
  });

  it("a secret key used from a browser page of a foreign origin is refused too", async () => {
    const created = await createApiKey(testDb().db, { clientId: client.id, kind: "secret", name: "leaked" });
    await expectAppError(
      authenticateApiKey(testDb().db, { authorization: bearer(created.key), origin: "https://evil.example.com" }),
      "FORBIDDEN",
    );
  });

  it("a suspended client's key is refused with CLIENT_SUSPENDED (403)", async () => {
    const suspended = await createTestClient(testDb().db, { status: "suspended" });
    const created = await createApiKey(testDb().db, { clientId: suspended.id, kind: "secret", name: "s" });
    await expectAppError(authenticateApiKey(testDb().db, { authorization: bearer(created.key), origin: null }), "CLIENT_SUSPENDED");
  });
});
