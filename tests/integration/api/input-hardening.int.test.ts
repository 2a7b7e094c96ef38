import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import Decimal from "decimal.js";
import superjson from "superjson";
import { expect, it, vi } from "vitest";
import { z } from "zod";
import type { TDb } from "@/server/db/client";
import { appRouter } from "@/server/api/root";
import { createTRPCContext, createTRPCRouter, publicProcedure } from "@/server/api/trpc";
import { createTestAdmin } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { httpCall, teamPlan, uniquePlanKey } from "../plans/plan-test-support";
import { listClients } from "@/server/clients/list-clients";
import { listInvoices } from "@/server/billing/list-invoices";
import { generateInvoice } from "@/server/billing/generate-invoice";
import { createBillingClient, createPricedPlan, STARTER_PRICING } from "../billing/billing-test-support";
import { uniqueSuffix } from "../../support/fixtures";

const LEAKS = /prisma|invocation|sqlstate|22021|22P05|at \w+ \(|node_modules/i;

describeEachDatabase("tRPC input hardening", (testDb) => {
  it("a NUL anywhere in any procedure's input is a 400 naming the field, before any database work, with nothing of the ORM or SQL in the body", async () => {
    const { db } = testDb();
    const admin = { user: await createTestAdmin(db, "admin") };
    // Every procedure of the router, nested ones flattened to "billing.markPaid". A lazy
    // sub-router is listed only once loaded: there must be none, or some would be skipped.
    const { _def: router } = appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }>; lazy: Record<string, unknown> } };
    expect(Object.keys(router.lazy)).toEqual([]);
    const procedures = Object.entries(router.procedures);
    expect(procedures.length).toBeGreaterThan(30);
    expect(procedures.map(([path]) => path)).toEqual(expect.arrayContaining(["billing.markPaid", "chat.send", "plans.create", "providers.setModelPrice"]));
    expect(procedures.filter(([, procedure]) => !["query", "mutation"].includes(procedure._def.type)).map(([path]) => path)).toEqual([]);
    for (const [path, procedure] of procedures) {
      const method = procedure._def.type === "query" ? "GET" : "POST";
      for (const input of [{ search: "a\u0000b" }, { nested: { list: ["ok", "x\u0000"] } }, { "k\u0000": 1 }]) {
        const response = await httpCall(db, admin, path, input, method);
        expect(response.status, `${path} ${JSON.stringify(input)}`).toBe(400);
        expect(JSON.stringify(response.error), path).not.toMatch(LEAKS);
      }
      const named = await httpCall(db, admin, path, { search: "a\u0000b" }, method);
      expect(named.error?.data.zodError?.fieldErrors.search, path).toEqual(["must not contain NUL characters or unpaired surrogates"]);
    }
  });

  it("a lone surrogate in a search is refused the same way", async () => {
    const { db } = testDb();
    const admin = { user: await createTestAdmin(db, "admin") };
    const response = await httpCall(db, admin, "clients.list", { search: "caf\ud800" }, "GET");
    expect(response.status).toBe(400);
    expect(response.error?.data.zodError?.fieldErrors.search).toEqual(["must not contain NUL characters or unpaired surrogates"]);
  });

  it("an unexpected failure answers a generic message with a request id, and the log has the whole error under that id", async () => {
    const { db } = testDb();
    const admin = { user: await createTestAdmin(db, "admin") };
    // A database that fails the way an ORM does, with SQL and internals in its message.
    const failing = new Proxy(db, {
      get(target, property, receiver) {
        if (property === "client") {
          return new Proxy({}, { get: () => () => Promise.reject(new Error("Invalid `prisma.client.findMany()` invocation: ERROR: relation missing (SQLSTATE 42P01)")) });
        }
        return Reflect.get(target, property, receiver);
      },
    }) as TDb;
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const response = await httpCall(failing, admin, "clients.list", {}, "GET");
      expect(response.status).toBe(500);
      expect(JSON.stringify(response.error)).not.toMatch(LEAKS);
      const requestId = (response.error?.data as { requestId?: string }).requestId;
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.error?.message).toContain(requestId);
      expect(logged.mock.calls.some((call) => String(call[0]).includes(requestId!) && String(call[1]).includes("SQLSTATE 42P01"))).toBe(true);
    } finally {
      logged.mockRestore();
    }
  });

  it("a search matches the text as typed: % and _ are not wildcards, for clients and invoices", async () => {
    const { db } = testDb();
    const tag = uniqueSuffix();
    const plan = await createPricedPlan(db, STARTER_PRICING, "search");
    const percent = await createBillingClient(db, plan);
    await db.client.update({ where: { id: percent }, data: { name: `100% Juice ${tag}` } });
    const underscore = await createBillingClient(db, plan);
    await db.client.update({ where: { id: underscore }, data: { name: `Snake_Case ${tag}` } });
    const plain = await createBillingClient(db, plan);
    await db.client.update({ where: { id: plain }, data: { name: `Plain Shop ${tag}` } });
    for (const clientId of [percent, underscore, plain]) await generateInvoice(db, { clientId, period: "2026-10", now: new Date("2026-11-01T06:00:00Z") });

    const names = async (search: string) => (await listClients(db, { search, pageSize: 100 })).items.map((c) => c.name).filter((n) => n.endsWith(tag)).sort();
    expect(await names("%")).toEqual([`100% Juice ${tag}`]);
    expect(await names("_")).toEqual([`Snake_Case ${tag}`]);
    expect(await names("e_C")).toEqual([`Snake_Case ${tag}`]);
    expect(await names("P_ain")).toEqual([]);
    expect(await names("plain")).toEqual([`Plain Shop ${tag}`]);

    const invoiceClients = async (search: string) =>
      (await listInvoices(db, { search, pageSize: 100 })).items.map((i) => i.clientName).filter((n) => n.endsWith(tag)).sort();
    expect(await invoiceClients("%")).toEqual([`100% Juice ${tag}`]);
    expect(await invoiceClients("_")).toEqual([`Snake_Case ${tag}`]);
  });

  it("a malformed amount in any money input is a 400 with that field's usual message, never a decimal library's error", async () => {
    const { db } = testDb();
    const admin = { user: await createTestAdmin(db, "admin") };
    const clientId = await createBillingClient(db, await createPricedPlan(db, STARTER_PRICING, "amounts"));
    const { invoice } = await generateInvoice(db, { clientId, period: "2026-10", now: new Date("2026-11-01T06:00:00Z") });
    const plan = teamPlan(uniquePlanKey("amounts"));
    const price = { provider: "openai", model: `amounts-${uniqueSuffix()}`, inputPer1M: "1", outputPer1M: "2" };
    // Each input, with how to put an amount in it and where its field error is reported.
    const inputs: Array<{ name: string; path: string; method?: "GET"; input: (amount: unknown) => unknown; field: string }> = [
      { name: "markPaid amount", path: "billing.markPaid", input: (amount) => ({ invoiceId: invoice.id, reference: "BANK-1", amount }), field: "amount" },
      { name: "refund amount", path: "billing.refund", input: (amount) => ({ invoiceId: invoice.id, amount, reason: "goodwill" }), field: "amount" },
      { name: "invoice list minTotal", path: "billing.invoices", method: "GET", input: (minTotal) => ({ minTotal, maxTotal: "1" }), field: "minTotal" },
      { name: "plan baseCost", path: "plans.create", input: (baseCost) => ({ plan: { ...plan, pricing: { ...plan.pricing, baseCost } } }), field: "plan" },
      {
        name: "plan unit price",
        path: "plans.create",
        input: (unitPrice) => ({ plan: { ...plan, pricing: { ...plan.pricing, metrics: { messages: { unitPrice } } } } }),
        field: "plan",
      },
      { name: "plan usage multiplier", path: "plans.create", input: (usageMultiplier) => ({ plan: { ...plan, pricing: { ...plan.pricing, usageMultiplier } } }), field: "plan" },
      { name: "model input price", path: "providers.setModelPrice", input: (inputPer1M) => ({ ...price, inputPer1M }), field: "inputPer1M" },
      { name: "model cached price", path: "providers.setModelPrice", input: (cachedInputPer1M) => ({ ...price, cachedInputPer1M }), field: "cachedInputPer1M" },
    ];
    const malformed = ["12,50", "1234567890123,45", "", " ", "1e5", "NaN", "Infinity", "-Infinity", "0x10", "1.2.3", "-1", "+1", ".5", "5.", "12.50 EUR", "١٢"];
    // Every answer that differs from the expected one, so a failure lists them all.
    const unexpected: string[] = [];
    for (const { name, path, method, input, field } of inputs) {
      const usual = await httpCall(db, admin, path, input("abc"), method);
      const message = usual.error?.data.zodError?.fieldErrors[field];
      expect(usual.status, name).toBe(400);
      expect(message, `${name}: ${JSON.stringify(usual.error)}`).toHaveLength(1);
      for (const amount of malformed) {
        const response = await httpCall(db, admin, path, input(amount), method);
        const body = JSON.stringify(response.error);
        const fieldError = response.error?.data.zodError?.fieldErrors[field];
        if (response.status !== 400 || /DecimalError|Invalid argument/.test(body) || JSON.stringify(fieldError) !== JSON.stringify(message)) {
          unexpected.push(`${name} ${JSON.stringify(amount)}: ${response.status} ${JSON.stringify(fieldError ?? response.error?.message)}`);
        }
      }
      // A number is refused too (amounts travel as strings), under the same field.
      const number = await httpCall(db, admin, path, input(12.5), method);
      expect(number.status, name).toBe(400);
      expect(JSON.stringify(number.error), name).not.toMatch(/DecimalError/);
      expect(number.error?.data.zodError?.fieldErrors[field], name).toHaveLength(1);
    }
    expect(unexpected).toEqual([]);
    expect(await db.payment.count({ where: { invoiceId: invoice.id } })).toBe(0);
    expect(await db.planConfig.count({ where: { key: plan.key } })).toBe(0);
    expect(await db.modelPrice.count({ where: { model: price.model } })).toBe(0);
  });

  it("an input check that throws instead of reporting (a library handed unchecked text) still answers 400 without the thrown text, logged under a request id", async () => {
    const { db } = testDb();
    const router = createTRPCRouter({
      probe: publicProcedure.input(z.object({ amount: z.string().refine((value) => new Decimal(value).gt(0)) })).mutation(() => "ok"),
    });
    const request = new Request("http://test/api/trpc/probe", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(superjson.serialize({ amount: "12,50" })),
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const response = await fetchRequestHandler({
        endpoint: "/api/trpc",
        req: request,
        router,
        createContext: () => createTRPCContext({ db, session: null, headers: request.headers }),
      });
      const body = (await response.json()) as { error: { json: { message: string; data: { requestId?: string } } } };
      expect(response.status).toBe(400);
      expect(JSON.stringify(body)).not.toMatch(/DecimalError|Invalid argument/);
      const requestId = body.error.json.data.requestId;
      expect(body.error.json.message).toContain(requestId);
      expect(logged.mock.calls.some((call) => String(call[0]).includes(requestId!) && String(call[1]).includes("DecimalError"))).toBe(true);
    } finally {
      logged.mockRestore();
    }
  });

  it("money procedures are strict: an unknown field or another currency is a 400 and records nothing", async () => {
    const { db } = testDb();
    const admin = { user: await createTestAdmin(db, "admin") };
    const clientId = await createBillingClient(db, await createPricedPlan(db, STARTER_PRICING, "strict"));
    const { invoice } = await generateInvoice(db, { clientId, period: "2026-10", now: new Date("2026-11-01T06:00:00Z") });
    expect(invoice.currency).toBe("USD");

    const euro = await httpCall(db, admin, "billing.markPaid", { invoiceId: invoice.id, reference: "BANK-EUR", currency: "EUR" });
    expect(euro.status).toBe(400);
    expect(euro.error?.message).toMatch(/in USD, not EUR/);
    const unknown = await httpCall(db, admin, "billing.markPaid", { invoiceId: invoice.id, reference: "BANK-X", fee: "1.00" });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.error?.data.zodError)).toMatch(/fee/);
    expect(await db.payment.count({ where: { invoiceId: invoice.id } })).toBe(0);

    const paid = await httpCall(db, admin, "billing.markPaid", { invoiceId: invoice.id, reference: "BANK-USD", currency: "USD" });
    expect(paid.status).toBe(200);
    const refund = await httpCall(db, admin, "billing.refund", { invoiceId: invoice.id, amount: "1.00", reason: "goodwill", currency: "EUR" });
    expect(refund.status).toBe(400);
    const refundUnknown = await httpCall(db, admin, "billing.refund", { invoiceId: invoice.id, amount: "1.00", reason: "goodwill", to: "elsewhere" });
    expect(refundUnknown.status).toBe(400);
    expect(await db.payment.count({ where: { invoiceId: invoice.id, kind: "refund" } })).toBe(0);
  });
});
