// Tenant API keys. Secret keys (sk_) are for servers; publishable keys (pk_) sit in a
// public web page, so they only work from the client's allowed widget origins.
// Only a sha256 of a key is stored; the plaintext is returned once, at creation.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { AppError } from "@/server/errors/app-error";
import type { TDbClient } from "@/server/db/client";

export type TApiKeyKind = "secret" | "publishable";

const KEY_PREFIX: Record<TApiKeyKind, string> = { secret: "sk_", publishable: "pk_" };
const KEY_PATTERN = /^(sk|pk)_[A-Za-z0-9_-]{32,64}$/;
/** How stale lastUsedAt may get before a request writes it again. */
const LAST_USED_RESOLUTION_MS = 5 * 60 * 1000;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export async function createApiKey(
  db: TDbClient,
  input: { clientId: string; kind: TApiKeyKind; name: string },
): Promise<{ id: string; key: string; prefix: string }> {
  const key = `${KEY_PREFIX[input.kind]}${randomBytes(24).toString("base64url")}`;
  const prefix = key.slice(0, 10);
  const row = await db.apiKey.create({
    data: { clientId: input.clientId, kind: input.kind, name: input.name, prefix, keyHash: hashApiKey(key) },
    select: { id: true },
  });
  return { id: row.id, key, prefix };
}

export async function revokeApiKey(db: TDbClient, input: { clientId: string; apiKeyId: string }): Promise<void> {
  const { count } = await db.apiKey.updateMany({
    where: { id: input.apiKeyId, clientId: input.clientId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw new AppError("NOT_FOUND", "No active API key with that id for this client.");
}

type TKeyRow = {
  id: string;
  kind: TApiKeyKind;
  keyHash: string;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  clientId: string;
  planKey: string;
  status: "active" | "suspended" | "cancelled";
  allowedOrigins: string[];
};

export type TAuthenticatedClient = {
  id: string;
  planKey: string;
  apiKeyId: string;
  apiKeyKind: TApiKeyKind;
};

/**
 * Resolves `Authorization: Bearer <key>` to its client. Throws UNAUTHORIZED for a
 * missing, malformed, unknown or revoked key, FORBIDDEN for a request from an origin
 * the client did not allow (or a publishable key without one), CLIENT_SUSPENDED for a
 * suspended client.
 */
export async function authenticateApiKey(
  db: TDbClient,
  request: { authorization: string | null; origin: string | null },
): Promise<TAuthenticatedClient> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.authorization ?? "");
  const key = match?.[1];
  if (!key || !KEY_PATTERN.test(key)) {
    throw new AppError("UNAUTHORIZED", "Missing or malformed API key: send Authorization: Bearer <key>.");
  }
  const keyHash = hashApiKey(key);
  // One round trip: this runs on every chat request (Prisma's relation select costs two).
  const rows = await db.$queryRawUnsafe<TKeyRow[]>(
    `SELECT k.id, k.kind::text AS kind, k."keyHash", k."revokedAt", k."lastUsedAt",
            c.id AS "clientId", c."planKey", c.status::text AS status, c."allowedOrigins"
     FROM "ApiKey" k JOIN "Client" c ON c.id = k."clientId"
     WHERE k."keyHash" = $1`,
    keyHash,
  );
  const found = rows[0];
  const row = found && {
    ...found,
    client: { id: found.clientId, planKey: found.planKey, status: found.status, allowedOrigins: found.allowedOrigins },
  };
  // The lookup is by hash, so timing reveals nothing about the key; the explicit
  // constant-time comparison guards against a lookup that ever matches loosely.
  if (!row || !timingSafeEqual(Buffer.from(row.keyHash), Buffer.from(keyHash)) || row.revokedAt) {
    throw new AppError("UNAUTHORIZED", "Invalid or revoked API key.");
  }
  // A browser always sends Origin: whatever the key, a page may only use it from the
  // client's widget origins. A publishable key is for browsers only.
  if (request.origin && !row.client.allowedOrigins.includes(request.origin)) {
    throw new AppError("FORBIDDEN", "This origin is not allowed for this API key.", { origin: request.origin });
  }
  if (row.kind === "publishable" && !request.origin) {
    throw new AppError("FORBIDDEN", "A publishable key works only from the client's allowed widget origins.");
  }
  if (row.client.status !== "active") {
    throw new AppError("CLIENT_SUSPENDED", `This account is ${row.client.status}; contact support.`);
  }
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // Coarse on purpose: one write per key per few minutes, not one per request.
    await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() }, select: { id: true } });
  }
  return { id: row.client.id, planKey: row.client.planKey, apiKeyId: row.id, apiKeyKind: row.kind };
}
