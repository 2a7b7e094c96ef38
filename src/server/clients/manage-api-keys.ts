// Admin actions on a client's API keys, each with an audit entry in the same transaction.
import { z } from "zod";
import { inTransaction, type TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import type { TSessionUser } from "@/server/auth/session";
import { createApiKey, revokeApiKey } from "./api-keys";

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
    await tx.auditLog.create({
      data: {
        actorId: actor.id,
        actorEmail: actor.email,
        action: "api_key.create",
        entityType: "ApiKey",
        entityId: issued.id,
        clientId: input.clientId,
        after: { kind: input.kind, name: input.name, prefix: issued.prefix },
      },
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
    await tx.auditLog.create({
      data: {
        actorId: actor.id,
        actorEmail: actor.email,
        action: "api_key.revoke",
        entityType: "ApiKey",
        entityId: input.apiKeyId,
        clientId: input.clientId,
      },
    });
  });
  return { id: input.apiKeyId, revoked: true as const };
}
