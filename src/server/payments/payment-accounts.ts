// A client's accounts at payment providers: the customer a provider charges and the saved
// payment method used by default. Set by an admin from the client's page; the provider
// confirms both before anything is stored (a typo is refused now, not at the next charge).
// Every change writes an audit entry: it decides whose card is charged.
import { z } from "zod";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { ZOptionalProviderId } from "./payment-provider";
import { getPaymentProvider, type TGetPaymentProvider } from "./payment-providers";
import { parseInput } from "@/server/errors/parse-input";
import type { TPaymentActor } from "./invoice-money";
import { clockNow } from "@/server/clock";
import { recordAudit } from "@/server/auth/audit-log";

export const ZPaymentAccount = z.object({
  provider: z.string(),
  customerId: z.string(),
  paymentMethodId: z.string().nullable(),
  /** "Visa •••• 4242", as the provider described the payment method. */
  paymentMethodLabel: z.string().nullable(),
  updatedBy: z.string().nullable(),
  updatedAt: z.date(),
});
export type TPaymentAccount = z.infer<typeof ZPaymentAccount>;

export const ZListPaymentAccountsInput = z.object({ clientId: z.uuid("must be a client id") });

export const ZSetPaymentAccountInput = z.object({
  clientId: z.uuid("must be a client id"),
  provider: z.string().min(1, "is required"),
  customerId: z.string().trim().min(1, "is required").max(255),
  /** Empty: no default; every charge then names its payment method. */
  paymentMethodId: ZOptionalProviderId,
});
export type TSetPaymentAccountInput = z.input<typeof ZSetPaymentAccountInput>;

export const ZRemovePaymentAccountInput = z.object({ clientId: z.uuid("must be a client id"), provider: z.string().min(1, "is required") });
export type TRemovePaymentAccountInput = z.input<typeof ZRemovePaymentAccountInput>;

const SELECT = { provider: true, customerId: true, paymentMethodId: true, paymentMethodLabel: true, updatedBy: true, updatedAt: true } as const;

export async function listPaymentAccounts(db: TDbClient, input: { clientId: string }): Promise<TPaymentAccount[]> {
  const { clientId } = parseInput(ZListPaymentAccountsInput, input);
  return db.paymentAccount.findMany({ where: { clientId }, orderBy: { provider: "asc" }, select: SELECT });
}

/** The client's account at `provider`, or null: what a charge uses. */
export function findPaymentAccount(db: TDbClient, clientId: string, provider: string): Promise<TPaymentAccount | null> {
  return db.paymentAccount.findUnique({ where: { clientId_provider: { clientId, provider } }, select: SELECT });
}

function snapshot(account: TPaymentAccount | null) {
  return account ? { customerId: account.customerId, paymentMethodId: account.paymentMethodId, paymentMethodLabel: account.paymentMethodLabel } : null;
}

async function getClientOrThrow(db: TDbClient, clientId: string): Promise<void> {
  const client = await db.client.findUnique({ where: { id: clientId }, select: { id: true } });
  if (!client) throw new AppError("NOT_FOUND", `No client with id ${clientId}.`, { clientId });
}

/** Sets (or replaces) the client's account at a provider, after the provider confirms it. */
export async function setPaymentAccount(
  db: TDb,
  rawInput: TSetPaymentAccountInput,
  actor: TPaymentActor,
  options: { getProvider?: TGetPaymentProvider } = {},
): Promise<TPaymentAccount> {
  const input = parseInput(ZSetPaymentAccountInput, rawInput);
  await getClientOrThrow(db, input.clientId);
  const provider = (options.getProvider ?? ((name: string) => getPaymentProvider(name)))(input.provider);
  if (!provider.canCharge) {
    throw new AppError("BAD_REQUEST", `${provider.label} has no customer accounts: nothing is charged through it.`, { provider: provider.name });
  }
  // Over the network, so outside the transaction.
  const verified = await provider.verifyAccount({ customerId: input.customerId, paymentMethodId: input.paymentMethodId });
  return inTransaction(db, async (tx) => {
    const before = await findPaymentAccount(tx, input.clientId, provider.name);
    const data = { ...verified, updatedBy: actor.email };
    const after = await tx.paymentAccount.upsert({
      where: { clientId_provider: { clientId: input.clientId, provider: provider.name } },
      create: { clientId: input.clientId, provider: provider.name, ...data },
      update: data,
      select: SELECT,
    });
    await recordAudit(tx, actor, clockNow(), {
      action: "payment_account.set",
      entityType: "Client",
      entityId: input.clientId,
      clientId: input.clientId,
      before: snapshot(before) ?? undefined,
      after: { provider: provider.name, ...snapshot(after) },
    });
    return after;
  });
}

/** Forgets the client's account at a provider: charges through it then need a payment method and no customer. */
export async function removePaymentAccount(db: TDb, rawInput: TRemovePaymentAccountInput, actor: TPaymentActor): Promise<{ removed: true }> {
  const input = parseInput(ZRemovePaymentAccountInput, rawInput);
  return inTransaction(db, async (tx) => {
    const before = await findPaymentAccount(tx, input.clientId, input.provider);
    if (!before) throw new AppError("NOT_FOUND", `The client has no ${input.provider} account to remove.`, { clientId: input.clientId, provider: input.provider });
    await tx.paymentAccount.delete({ where: { clientId_provider: { clientId: input.clientId, provider: input.provider } } });
    await recordAudit(tx, actor, clockNow(), {
      action: "payment_account.remove",
      entityType: "Client",
      entityId: input.clientId,
      clientId: input.clientId,
      before: { provider: input.provider, ...snapshot(before) },
    });
    return { removed: true as const };
  });
}
