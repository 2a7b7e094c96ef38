import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "@/server/auth/session";
import { type AppError } from "@/server/errors/app-error";
import type { PaymentProvider } from "@/server/payments/payment-provider";
import { listPaymentAccounts, removePaymentAccount, setPaymentAccount } from "@/server/payments/payment-accounts";
import { getPaymentProvider } from "@/server/payments/payment-providers";
import { chargeInvoice } from "@/server/payments/charge-invoice";
import { createStripeProvider } from "@/server/payments/stripe-provider";
import { createTestAdmin } from "../../support/fixtures";
import { startStripeServer, type TStripeServer } from "../../support/stripe-server";
import { describeEachDatabase } from "../../support/test-database";
import { createTestInvoice, invoiceMoney, rejection } from "./payment-test-support";

let stripeServer: TStripeServer;
let stripe: PaymentProvider;
const providers = { getProvider: (name: string) => (name === "stripe" ? stripe : getPaymentProvider(name, {})) };

beforeAll(async () => {
  stripeServer = await startStripeServer();
  stripe = createStripeProvider({ secretKey: stripeServer.secretKey, webhookSecret: `whsec_${randomBytes(8).toString("hex")}`, apiBase: stripeServer.url });
});
afterAll(async () => {
  await stripeServer.close();
});

describeEachDatabase("payments: clients' accounts at payment providers", (testDb) => {
  let admin: TSessionUser;
  beforeAll(async () => {
    admin = await createTestAdmin(testDb().db, "admin");
  });
  const intentsOf = (invoice: { id: string }) => [...stripeServer.intents.values()].filter((intent) => intent.metadata.invoiceId === invoice.id);

  it("an admin sets a client's Stripe customer and saved card; Stripe confirms them and the change is audited", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db);
    const saved = stripeServer.createCustomer({ last4: "1881" });
    const account = await setPaymentAccount(db, { clientId: invoice.clientId, provider: "stripe", ...saved }, admin, providers);
    expect(account).toMatchObject({ provider: "stripe", customerId: saved.customerId, paymentMethodId: saved.paymentMethodId, paymentMethodLabel: "Visa •••• 1881", updatedBy: admin.email });
    expect(await listPaymentAccounts(db, { clientId: invoice.clientId })).toEqual([account]);
    expect(stripeServer.requests).toEqual(expect.arrayContaining([`GET /v1/customers/${saved.customerId}`, `GET /v1/payment_methods/${saved.paymentMethodId}`]));

    // Replaced by another card: one account per provider, both changes in the audit log.
    const other = stripeServer.createCustomer({ last4: "0005" });
    await setPaymentAccount(db, { clientId: invoice.clientId, provider: "stripe", ...other }, admin, providers);
    expect(await listPaymentAccounts(db, { clientId: invoice.clientId })).toMatchObject([{ customerId: other.customerId, paymentMethodLabel: "Visa •••• 0005" }]);
    const audit = await db.auditLog.findMany({ where: { clientId: invoice.clientId, action: "payment_account.set" }, orderBy: { createdAt: "asc" } });
    expect(audit).toHaveLength(2);
    expect(audit[1]).toMatchObject({ actorEmail: admin.email, before: { customerId: saved.customerId }, after: { provider: "stripe", customerId: other.customerId } });
  });

  it("a customer or card Stripe does not know, or a card saved on another customer, is refused and nothing is stored", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db);
    const mine = stripeServer.createCustomer();
    const theirs = stripeServer.createCustomer();
    const attempts = [
      { customerId: "cus_unknown", paymentMethodId: mine.paymentMethodId, expected: /No such customer: 'cus_unknown'/ },
      { customerId: mine.customerId, paymentMethodId: "pm_unknown", expected: /No such PaymentMethod: 'pm_unknown'/ },
      { customerId: mine.customerId, paymentMethodId: theirs.paymentMethodId, expected: new RegExp(`is not saved on Stripe customer ${mine.customerId} \\(it belongs to ${theirs.customerId}\\)`) },
    ];
    for (const { expected, ...attempt } of attempts) {
      const error = await rejection(setPaymentAccount(db, { clientId: invoice.clientId, provider: "stripe", ...attempt }, admin, providers));
      expect(error).toMatchObject({ code: "BAD_REQUEST" });
      expect((error as AppError).message).toMatch(expected);
    }
    expect(await listPaymentAccounts(db, { clientId: invoice.clientId })).toEqual([]);
    expect(await db.auditLog.count({ where: { clientId: invoice.clientId } })).toBe(0);
  });

  it("bad input, an unknown client and bank transfers are refused with what was wrong", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db);
    const blank = await rejection(setPaymentAccount(db, { clientId: invoice.clientId, provider: "stripe", customerId: "  " }, admin, providers));
    expect(blank).toMatchObject({ code: "BAD_REQUEST" });
    expect((blank as AppError).message).toContain("customerId is required");
    const saved = stripeServer.createCustomer();
    expect(await rejection(setPaymentAccount(db, { clientId: randomUUID(), provider: "stripe", ...saved }, admin, providers))).toMatchObject({ code: "NOT_FOUND" });
    expect(await rejection(setPaymentAccount(db, { clientId: invoice.clientId, provider: "paypal", ...saved }, admin, providers))).toMatchObject({ code: "NOT_FOUND" });
    const manual = await rejection(setPaymentAccount(db, { clientId: invoice.clientId, provider: "manual", customerId: "x" }, admin, providers));
    expect(manual).toMatchObject({ code: "BAD_REQUEST" });
    expect((manual as AppError).message).toContain("Bank transfer has no customer accounts");
  });

  it("a charge naming no payment method uses the client's saved card, with its customer, as Stripe requires", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "64.00" });
    const saved = stripeServer.createCustomer();
    await setPaymentAccount(db, { clientId: invoice.clientId, provider: "stripe", ...saved }, admin, providers);

    expect(await chargeInvoice(db, stripe, { invoiceId: invoice.id }, admin)).toMatchObject({ outcome: "applied", invoice: { status: "paid", amountPaid: "64.00" } });
    expect(intentsOf(invoice)).toMatchObject([{ customer: saved.customerId, payment_method: saved.paymentMethodId, amount: 6400, status: "succeeded" }]);
  });

  it("a saved card charged without its customer is refused by Stripe, and the attempt is closed as failed", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "9.00" });
    const someoneElses = stripeServer.createCustomer();
    const error = await rejection(chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: someoneElses.paymentMethodId }, admin));
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect((error as AppError).message).toContain("you must also provide the `customer` parameter");
    expect(await db.payment.findMany({ where: { invoiceId: invoice.id }, select: { status: true } })).toEqual([{ status: "failed" }]);
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "pending", amountPaid: "0.00" });
  });

  it("with no saved card and none named, the charge is refused before Stripe is called", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "12.00" });
    const before = stripeServer.requests.length;
    const error = await rejection(chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "" }, admin));
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect((error as AppError).message).toContain(`The client of invoice ${invoice.number} has no saved Stripe payment method`);
    expect(stripeServer.requests.length).toBe(before);
    expect(await db.payment.count({ where: { invoiceId: invoice.id } })).toBe(0);
  });

  it("removing an account is audited; removing one that is not there is NOT_FOUND", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db);
    const saved = stripeServer.createCustomer();
    await setPaymentAccount(db, { clientId: invoice.clientId, provider: "stripe", ...saved }, admin, providers);
    expect(await removePaymentAccount(db, { clientId: invoice.clientId, provider: "stripe" }, admin)).toEqual({ removed: true });
    expect(await listPaymentAccounts(db, { clientId: invoice.clientId })).toEqual([]);
    expect(await db.auditLog.findFirstOrThrow({ where: { clientId: invoice.clientId, action: "payment_account.remove" } })).toMatchObject({
      before: { provider: "stripe", customerId: saved.customerId },
    });
    expect(await rejection(removePaymentAccount(db, { clientId: invoice.clientId, provider: "stripe" }, admin))).toMatchObject({ code: "NOT_FOUND" });
  });
});
