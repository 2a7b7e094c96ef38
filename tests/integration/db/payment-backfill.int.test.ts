// The migration that links refunds to their charge and marks charges not counted rewrites
// existing rows: checked on data as the code before it left them.
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMigrations } from "@/server/db/migrations";

const MIGRATION = "20261128214950_payment_refund_of";

describe("migration payment_refund_of on existing payments", () => {
  const pglite = new PGlite();
  beforeAll(async () => {
    for (const migration of listMigrations().filter((m) => m.name < MIGRATION)) await pglite.exec(migration.sql);
  });
  afterAll(async () => {
    await pglite.close();
  });

  it("links each refund to the charge it went back through, and marks charges the audit log says were not counted", async () => {
    await pglite.exec(`
      INSERT INTO "PlanConfig" (key, name, limits, features, pricing, "updatedAt") VALUES ('pro', 'Pro', '{}', '{}', '{}', now());
      INSERT INTO "Client" (id, slug, name, "planKey", "billingEmail", "updatedAt")
        VALUES ('00000000-0000-4000-8000-000000000001', 'acme', 'Acme', 'pro', 'billing@acme.test', now());
      INSERT INTO "Invoice" (id, number, "clientId", period, "periodStart", "periodEnd", currency, "planKey", "planVersion", subtotal, total, "dueAt", "updatedAt")
        VALUES ('00000000-0000-4000-8000-0000000000a1', 'INV-1', '00000000-0000-4000-8000-000000000001', '2026-10', '2026-10-01', '2026-11-01', 'USD', 'pro', 1, 100, 100, '2026-11-15', now()),
               ('00000000-0000-4000-8000-0000000000a2', 'INV-2', '00000000-0000-4000-8000-000000000001', '2026-09', '2026-09-01', '2026-10-01', 'USD', 'pro', 1, 50, 50, '2026-10-15', now());
      -- INV-1: a transfer, a Stripe charge, then a Stripe charge that came after it was
      -- paid (not counted); refunds: one Stripe refund whose refund event names pi_1, one
      -- made by the old code (newest charge: pi_2, the duplicate), one by hand.
      -- INV-2: one transfer, one refund.
      INSERT INTO "Payment" (id, "invoiceId", "clientId", provider, "providerPaymentId", kind, status, amount, currency, "createdAt", "updatedAt") VALUES
        ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'manual', NULL, 'charge', 'succeeded', 40, 'USD', '2026-11-02', now()),
        ('00000000-0000-4000-8000-0000000000c2', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'stripe', 'pi_1', 'charge', 'succeeded', 60, 'USD', '2026-11-03', now()),
        ('00000000-0000-4000-8000-0000000000c3', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'stripe', 'pi_2', 'charge', 'succeeded', 100, 'USD', '2026-11-04', now()),
        ('00000000-0000-4000-8000-0000000000c4', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'stripe', 'pi_3', 'charge', 'failed', 100, 'USD', '2026-11-05', now()),
        ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'stripe', 're_1', 'refund', 'succeeded', 10, 'USD', '2026-11-06', now()),
        ('00000000-0000-4000-8000-0000000000e3', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'stripe', 're_3', 'refund', 'succeeded', 20, 'USD', '2026-11-07', now()),
        ('00000000-0000-4000-8000-0000000000e4', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'manual', NULL, 'refund', 'succeeded', 5, 'USD', '2026-11-08', now()),
        ('00000000-0000-4000-8000-0000000000c5', '00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-000000000001', 'manual', NULL, 'charge', 'succeeded', 50, 'USD', '2026-10-02', now()),
        ('00000000-0000-4000-8000-0000000000e2', '00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-000000000001', 'manual', NULL, 'refund', 'succeeded', 5, 'USD', '2026-10-09', now());
      INSERT INTO "AuditLog" (action, "entityType", "entityId", "clientId", after)
        VALUES ('payment.not_applied', 'Invoice', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001',
                '{"status": "paid", "payment": {"id": "00000000-0000-4000-8000-0000000000c3", "amount": "100.00"}}');
      INSERT INTO "WebhookEvent" (provider, "eventId", type, payload)
        VALUES ('stripe', 'evt_1', 'refund.created', '{"id": "evt_1", "type": "refund.created", "data": {"object": {"id": "re_1", "object": "refund", "payment_intent": "pi_1"}}}');
    `);

    await pglite.exec(listMigrations().find((m) => m.name === MIGRATION)!.sql);

    const { rows } = await pglite.query<{ id: string; applied: boolean; refundOfId: string | null }>(`SELECT id, applied, "refundOfId" FROM "Payment" ORDER BY id`);
    const id = (suffix: string) => `00000000-0000-4000-8000-0000000000${suffix}`;
    expect(rows).toEqual([
      { id: id("c1"), applied: true, refundOfId: null },
      { id: id("c2"), applied: true, refundOfId: null },
      { id: id("c3"), applied: false, refundOfId: null },
      { id: id("c4"), applied: true, refundOfId: null },
      { id: id("c5"), applied: true, refundOfId: null },
      // re_1: its refund event names pi_1.
      { id: id("e1"), applied: true, refundOfId: id("c2") },
      { id: id("e2"), applied: true, refundOfId: id("c5") },
      // re_3: the old code refunded through the newest charge then, pi_2 (Stripe has it so).
      { id: id("e3"), applied: true, refundOfId: id("c3") },
      // By hand: the transfer.
      { id: id("e4"), applied: true, refundOfId: id("c1") },
    ]);
  });
});
