// Tenant API keys. Secret keys (sk_) are for servers; publishable keys (pk_) sit in a
// public web page, so they only work from the client's allowed widget origins.
// Only a sha256 of a key is stored; the plaintext is returned once, at creation.
// Admins issue and revoke keys (issueApiKey, revokeClientApiKey), each with an audit entry
// in the same transaction.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { AppError } from "@/server/errors/app-error";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import type { TSessionUser } from "@/server/auth/session";
import { clockNow } from "@/server/clock";
import { recordAudit } from "@/server/auth/audit-log";

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
    data: { createdAt: clockNow(), clientId: input.clientId, kind: input.kind, name: input.name, prefix, keyHash: hashApiKey(key) },
    select: { id: true },
  });
  return { id: row.id, key, prefix };
}

export async function revokeApiKey(db: TDbClient, input: { clientId: string; apiKeyId: string }): Promise<void> {
  const { count } = await db.apiKey.updateMany({
    where: { id: input.apiKeyId, clientId: input.clientId, revokedAt: null },
    data: { revokedAt: clockNow() },
  });
  if (count === 0) throw new AppError("NOT_FOUND", "No active API key with that id for this client.");
}

/** What the key rules need of a key and its client (from whichever query loaded them). */
export type TKeyRow = {
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

/** `Authorization: Bearer <key>` to the key's sha256, without a database: UNAUTHORIZED when missing or malformed. */
export function keyHashFromAuthorization(authorization: string | null): string {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  const key = match?.[1];
  if (!key || !KEY_PATTERN.test(key)) {
    throw new AppError("UNAUTHORIZED", "Missing or malformed API key: send Authorization: Bearer <key>.");
  }
  return hashApiKey(key);
}

/**
 * The key rules, on a looked-up row (undefined: no such key). Throws UNAUTHORIZED for an
 * unknown key, KEY_REVOKED for a revoked one, FORBIDDEN for a request from an origin the
 * client did not allow (or a publishable key without one), CLIENT_SUSPENDED for a
 * suspended client.
 */
export function assertKeyUsable(row: TKeyRow | undefined, keyHash: string, origin: string | null): TAuthenticatedClient {
  // The lookup is by hash, so timing reveals nothing about the key; the explicit
  // constant-time comparison guards against a lookup that ever matches loosely.
  if (!row || !timingSafeEqual(Buffer.from(row.keyHash), Buffer.from(keyHash))) {
    throw new AppError("UNAUTHORIZED", "Invalid or revoked API key.");
  }
  if (row.revokedAt) throw new AppError("KEY_REVOKED", "This API key has been revoked; use another key of the client.");
  // A browser always sends Origin: whatever the key, a page may only use it from the
  // client's widget origins. A publishable key is for browsers only.
  if (origin && !row.allowedOrigins.includes(origin)) {
    throw new AppError("FORBIDDEN", "This origin is not allowed for this API key.", { origin });
  }
  if (row.kind === "publishable" && !origin) {
    throw new AppError("FORBIDDEN", "A publishable key works only from the client's allowed widget origins.");
  }
  if (row.status !== "active") {
    throw new AppError("CLIENT_SUSPENDED", `This account is ${row.status}; contact support.`);
  }
  return { id: row.clientId, planKey: row.planKey, apiKeyId: row.id, apiKeyKind: row.kind };
}

/** Records that a key was used, coarsely on purpose: one write per key per few minutes, not one per request. */
export async function touchApiKey(db: TDbClient, row: Pick<TKeyRow, "id" | "lastUsedAt">, now: Date): Promise<void> {
  if (row.lastUsedAt && now.getTime() - row.lastUsedAt.getTime() <= LAST_USED_RESOLUTION_MS) return;
  await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now }, select: { id: true } });
}

/** Resolves `Authorization: Bearer <key>` to its client (the rules of assertKeyUsable). */
export async function authenticateApiKey(
  db: TDbClient,
  request: { authorization: string | null; origin: string | null },
): Promise<TAuthenticatedClient> {
  return authenticateKeyHash(db, { keyHash: keyHashFromAuthorization(request.authorization), origin: request.origin }, clockNow());
}

/** A key's hash (its format already checked) and the caller's Origin to its client, by the rules of assertKeyUsable. */
export async function authenticateKeyHash(db: TDbClient, caller: { keyHash: string; origin: string | null }, now: Date): Promise<TAuthenticatedClient> {
  // One round trip: this runs on every tenant request (Prisma's relation select costs two).
  const rows = await db.$queryRawUnsafe<TKeyRow[]>(
    `SELECT k.id, k.kind::text AS kind, k."keyHash", k."revokedAt", k."lastUsedAt",
            c.id AS "clientId", c."planKey", c.status::text AS status, c."allowedOrigins"
     FROM "ApiKey" k JOIN "Client" c ON c.id = k."clientId"
     WHERE k."keyHash" = $1`,
    caller.keyHash,
  );
  const client = assertKeyUsable(rows[0], caller.keyHash, caller.origin);
  await touchApiKey(db, rows[0]!, now);
  return client;
}

// ---------------------------------------------------------------------------
// Admin actions
// ---------------------------------------------------------------------------

export const ZIssueApiKeyInput = z.object({
  clientId: z.uuid("must be a client id"),
  kind: z.enum(["secret", "publishable"]),
  name: z.string().trim().min(1, "give the key a name").max(80),
});
export type TIssueApiKeyInput = z.infer<typeof ZIssueApiKeyInput>;

export const ZIssuedApiKey = z.object({ id: z.string(), key: z.string(), prefix: z.string() });

/** Returns the key's plaintext: the only time it is ever available. */
export async function issueApiKey(db: TDb, input: TIssueApiKeyInput, actor: TSessionUser) {
  return inTransaction(db, async (tx) => {
    const client = await tx.client.findUnique({ where: { id: input.clientId }, select: { id: true } });
    if (!client) throw new AppError("NOT_FOUND", "No client with that id.", { id: input.clientId });
    const issued = await createApiKey(tx, input);
    await recordAudit(tx, actor, clockNow(), {
      action: "api_key.create",
      entityType: "ApiKey",
      entityId: issued.id,
      clientId: input.clientId,
      after: { kind: input.kind, name: input.name, prefix: issued.prefix },
    });
    return issued;
  });
}

export const ZRevokeApiKeyInput = z.object({
  clientId: z.uuid("must be a client id"),
  apiKeyId: z.uuid("must be an API key id"),
});

export async function revokeClientApiKey(db: TDb, input: z.infer<typeof ZRevokeApiKeyInput>, actor: TSessionUser) {
  await inTransaction(db, async (tx) => {
    await revokeApiKey(tx, input);
    await recordAudit(tx, actor, clockNow(), {
      action: "api_key.revoke",
      entityType: "ApiKey",
      entityId: input.apiKeyId,
      clientId: input.clientId,
    });
  });
  return { id: input.apiKeyId, revoked: true as const };
}
