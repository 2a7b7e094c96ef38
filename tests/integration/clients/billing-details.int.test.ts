import { randomUUID } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "@/server/auth/session";
import { updateBillingDetails } from "@/server/clients/update-billing-details";
import { type AppError } from "@/server/errors/app-error";
import { createTestAdmin, createTestClient } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { rejection } from "../payments/payment-test-support";

describeEachDatabase("clients: billing details", (testDb) => {
  let admin: TSessionUser;
  beforeAll(async () => {
    admin = await createTestAdmin(testDb().db, "admin");
  });

  it("an admin sets the billing email, postal address and tax id, tidied, with an audit entry", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const saved = await updateBillingDetails(db, { id: client.id, billingEmail: "accounts@acme.example", billingAddress: "  5 Quay Road \r\n\r\nLeith, Edinburgh EH6 6LX\n", taxId: " GB123456789 " }, admin);
    expect(saved).toEqual({ id: client.id, billingEmail: "accounts@acme.example", billingAddress: "5 Quay Road\nLeith, Edinburgh EH6 6LX", taxId: "GB123456789" });
    const audit = await db.auditLog.findFirstOrThrow({ where: { entityId: client.id, action: "client.billing_details" } });
    expect(audit).toMatchObject({ actorEmail: admin.email, after: { billingAddress: "5 Quay Road\nLeith, Edinburgh EH6 6LX", taxId: "GB123456789" } });

    // Emptied: none.
    expect(await updateBillingDetails(db, { id: client.id, billingEmail: "accounts@acme.example", billingAddress: " \n ", taxId: "" }, admin)).toMatchObject({ billingAddress: null, taxId: null });
  });

  it("a bad email, too many address lines or an unknown client is refused, naming the problem, and nothing changes", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const before = await db.client.findUniqueOrThrow({ where: { id: client.id }, select: { billingEmail: true, billingAddress: true } });
    const badEmail = await rejection(updateBillingDetails(db, { id: client.id, billingEmail: "not an email", billingAddress: null, taxId: null }, admin));
    expect(badEmail).toMatchObject({ code: "BAD_REQUEST" });
    expect((badEmail as AppError).message).toContain("billingEmail must be an email address");
    const tooLong = await rejection(updateBillingDetails(db, { id: client.id, billingEmail: "a@b.example", billingAddress: "1\n2\n3\n4\n5\n6\n7", taxId: null }, admin));
    expect((tooLong as AppError).message).toContain("billingAddress at most 6 lines");
    expect(await rejection(updateBillingDetails(db, { id: randomUUID(), billingEmail: "a@b.example", billingAddress: null, taxId: null }, admin))).toMatchObject({ code: "NOT_FOUND" });
    expect(await db.client.findUniqueOrThrow({ where: { id: client.id }, select: { billingEmail: true, billingAddress: true } })).toEqual(before);
    expect(await db.auditLog.count({ where: { entityId: client.id } })).toBe(0);
  });
});
