// Month, minute and leap-day boundaries, on purpose: every instant here is given to the
// code under test, never read from the machine, so these hold on any day the suite runs.
import { beforeAll, expect, it } from "vitest";
import { runBilling } from "@/server/billing/run-billing";
import { markOverdueInvoices } from "@/server/billing/invoice-status";
import { generateInvoice } from "@/server/billing/generate-invoice";
import { changePlan } from "@/server/plans/change-plan";
import type { TSessionUser } from "@/server/auth/session";
import { chatHandlerFor, chatRequest, createChatClient } from "../../support/chat-fixtures";
import { createTestAdmin } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { fakeProvidersForFile } from "../../support/fake-providers";
import { createBillingClient, createPricedPlan, STARTER_PRICING } from "../billing/billing-test-support";

const servers = fakeProvidersForFile();

const at = (iso: string) => new Date(iso);
const DAY_S = 86_400;

describeEachDatabase("time boundaries", (testDb) => {
  let admin: TSessionUser;
  beforeAll(async () => {
    admin = await createTestAdmin(testDb().db, "admin");
  });

  /** The chat API serving every request at `instant` (a pinned clock per call). */
  function chatAt(instant: Date, key: string, message = "Hello?") {
    return chatHandlerFor(testDb().db, servers, 5_000, () => instant).POST(chatRequest(key, { message }));
  }

  async function monthCounters(clientId: string) {
    const rows = await testDb().db.usageCounter.findMany({ where: { clientId, metric: "messages", period: { not: { startsWith: "m" } } } });
    return Object.fromEntries(rows.map((r) => [r.period, r.value.toString()]));
  }

  it("a chat at 23:59:59.999 on the last day counts in that month; at 00:00:00.000 on the 1st a new month starts from zero", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { limits: { messagesPerMonth: 1 } });
    const lastInstant = at("2027-01-31T23:59:59.999Z");
    const firstInstant = at("2027-02-01T00:00:00.000Z");

    const january = await chatAt(lastInstant, chat.secretKey);
    expect(january.status).toBe(200);
    const { conversationId } = (await january.json()) as { conversationId: string };
    expect(await monthCounters(chat.clientId)).toEqual({ "2027-01": "1" });
    const event = await db.usageEvent.findFirstOrThrow({ where: { clientId: chat.clientId }, select: { occurredAt: true } });
    expect(event.occurredAt.toISOString()).toBe("2027-01-31T23:59:59.999Z");
    // The rows the chat writes carry the request's instant, not the database's clock.
    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { createdAt: true } });
    expect(conversation.createdAt.toISOString()).toBe("2027-01-31T23:59:59.999Z");
    const messages = await db.message.findMany({ where: { conversationId }, orderBy: { createdAt: "asc" }, select: { role: true, createdAt: true } });
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(messages[0]!.createdAt.toISOString()).toBe("2027-01-31T23:59:59.999Z");
    expect(messages[1]!.createdAt.getTime()).toBeGreaterThan(lastInstant.getTime());

    // At the limit one millisecond before the month ends: retry in 1 s (rounded up).
    const refused = await chatAt(lastInstant, chat.secretKey);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await refused.json()).toMatchObject({ metric: "messagesPerMonth", limit: 1, current: 1 });

    // The 1st, 00:00:00.000: the new period starts from zero by construction.
    const february = await chatAt(firstInstant, chat.secretKey);
    expect(february.status).toBe(200);
    expect(await monthCounters(chat.clientId)).toEqual({ "2027-01": "1", "2027-02": "1" });
    const again = await chatAt(firstInstant, chat.secretKey);
    expect(again.status).toBe(429);
    // February 2027 has 28 days: the limit's window ends on March 1st.
    expect(again.headers.get("retry-after")).toBe(String(28 * DAY_S));
  });

  it("Feb 29 of a leap year belongs to February: the last millisecond counts there, and March starts from zero", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { limits: { messagesPerMonth: 1 } });
    expect((await chatAt(at("2028-02-29T23:59:59.999Z"), chat.secretKey)).status).toBe(200);
    const refused = await chatAt(at("2028-02-29T12:00:00.000Z"), chat.secretKey);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe(String(12 * 3600));
    expect((await chatAt(at("2028-03-01T00:00:00.000Z"), chat.secretKey)).status).toBe(200);
    expect(await monthCounters(chat.clientId)).toEqual({ "2028-02": "1", "2028-03": "1" });
  });

  it("requests per minute: the window is the UTC minute, and the next minute starts from zero", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { limits: { requestsPerMinute: 2, messagesPerMonth: null } });
    expect((await chatAt(at("2027-03-10T12:00:00.000Z"), chat.secretKey)).status).toBe(200);
    expect((await chatAt(at("2027-03-10T12:00:59.000Z"), chat.secretKey)).status).toBe(200);
    const third = await chatAt(at("2027-03-10T12:00:59.999Z"), chat.secretKey);
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("1");
    expect(await third.json()).toMatchObject({ metric: "requestsPerMinute", limit: 2, current: 2 });
    expect((await chatAt(at("2027-03-10T12:01:00.000Z"), chat.secretKey)).status).toBe(200);
    expect((await chatAt(at("2027-03-10T12:01:00.001Z"), chat.secretKey)).status).toBe(200);
    expect((await chatAt(at("2027-03-10T12:01:59.999Z"), chat.secretKey)).status).toBe(429);
  });

  /** A 29 -> 99 upgrade at `instant`, then the period's invoice: the change's amounts and its lines. */
  async function upgradeAt(instant: Date, prorationMode: "daily" | "exact") {
    const { db } = testDb();
    const starter = await createPricedPlan(db, { ...STARTER_PRICING, metrics: {}, prorationMode }, "starter");
    const pro = await createPricedPlan(db, { ...STARTER_PRICING, baseCost: "99", metrics: {}, prorationMode }, "pro");
    const clientId = await createBillingClient(db, starter);
    const change = await changePlan(db, { clientId, toPlanKey: pro, reason: "boundary", confirmWarnings: false }, admin, instant);
    const period = instant.toISOString().slice(0, 7);
    const [year, month] = period.split("-").map(Number) as [number, number];
    const closed = new Date(Date.UTC(year, month, 1, 0, 0, 1));
    const { invoice } = await generateInvoice(db, { clientId, period, now: closed });
    return { change, lines: invoice.lines.map((l) => [l.kind, l.amount]), total: invoice.total };
  }

  it("a plan change on the 1st at 00:00: the whole month is credited and charged, daily and exact alike", async () => {
    for (const mode of ["daily", "exact"] as const) {
      const { change, lines, total } = await upgradeAt(at("2027-01-01T00:00:00.000Z"), mode);
      expect(change).toMatchObject({ prorationMode: mode, daysInPeriod: 31, daysRemaining: 31, creditAmount: "29.00", chargeAmount: "99.00", netAmount: "70.00" });
      expect(lines).toEqual([["base", "29.00"], ["credit", "-29.00"], ["proration", "99.00"]]);
      expect(total).toBe("99.00");
    }
  });

  it("a plan change on the last day at 23:59: daily bills the change day whole, exact bills the last minute", async () => {
    const daily = await upgradeAt(at("2027-01-31T23:59:00.000Z"), "daily");
    // One day of 31: 29/31 = 0.935... -> 0.94; 99/31 = 3.193... -> 3.19 (half-even, once).
    expect(daily.change).toMatchObject({ daysRemaining: 1, creditAmount: "0.94", chargeAmount: "3.19", netAmount: "2.25" });
    expect(daily.lines).toEqual([["base", "29.00"], ["credit", "-0.94"], ["proration", "3.19"]]);
    expect(daily.total).toBe("31.25");

    const exact = await upgradeAt(at("2027-01-31T23:59:00.000Z"), "exact");
    // 60 s of 2,678,400: 29 x 60/2678400 = 0.00065 -> 0.00; 99 x ... = 0.0022 -> 0.00.
    expect(exact.change).toMatchObject({ creditAmount: "0.00", chargeAmount: "0.00", netAmount: "0.00" });
    expect(exact.total).toBe("29.00");
  });

  it("a plan change on Feb 29 of a leap year prorates over 29 days", async () => {
    const { change, lines } = await upgradeAt(at("2028-02-29T12:00:00.000Z"), "daily");
    // 1 of 29 days: 29/29 = 1.00; 99/29 = 3.413... -> 3.41.
    expect(change).toMatchObject({ period: "2028-02", daysInPeriod: 29, daysRemaining: 1, creditAmount: "1.00", chargeAmount: "3.41" });
    expect(lines).toEqual([["base", "29.00"], ["credit", "-1.00"], ["proration", "3.41"]]);
  });

  it("the monthly run bills the month that just ended at 00:00:01 on the 1st, and refuses it a millisecond before the month ends", async () => {
    const { db } = testDb();
    const plan = await createPricedPlan(db, { ...STARTER_PRICING, metrics: {} }, "monthly");
    const clientId = await createBillingClient(db, plan);

    await expect(runBilling(db, { period: "2027-04", now: at("2027-04-30T23:59:59.999Z") })).rejects.toThrow(/current or a future period|has not ended/i);
    const run = await runBilling(db, { period: "2027-04", now: at("2027-05-01T00:00:01.000Z") });
    expect(run.failed.filter((f) => f.clientId === clientId)).toEqual([]);
    const invoice = await db.invoice.findUniqueOrThrow({ where: { clientId_period: { clientId, period: "2027-04" } } });
    expect(invoice.issuedAt.toISOString()).toBe("2027-05-01T00:00:01.000Z");
    expect(invoice.total.toString()).toBe("29");
    // The month that has just begun cannot be billed yet.
    await expect(runBilling(db, { period: "2027-05", now: at("2027-05-01T00:00:01.000Z") })).rejects.toThrow();

    // Overdue exactly after the due instant: at the instant itself the invoice is still on time.
    const dueAt = invoice.dueAt;
    await markOverdueInvoices(db, new Date(dueAt.getTime() - 1));
    await markOverdueInvoices(db, dueAt);
    expect((await db.invoice.findUniqueOrThrow({ where: { id: invoice.id }, select: { status: true } })).status).toBe("pending");
    await markOverdueInvoices(db, new Date(dueAt.getTime() + 1));
    expect((await db.invoice.findUniqueOrThrow({ where: { id: invoice.id }, select: { status: true } })).status).toBe("overdue");
  });
});
