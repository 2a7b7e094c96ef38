// Demo data for the dashboard and for tests: plans, model prices, ~25 clients with a
// year of usage, recent conversations, usage counters, two admin users, the
// publishable key the widget demo page (/demo) embeds, usage alerts, and a year of
// invoices with their payments.
//
// Three parts: the catalogue (demo-catalogue.ts, pure data), the generator
// (generate-demo-*.ts, pure: the rows for a given `now`) and this writer, which stores
// them through the domain: events priced with the usage module's costOfCall, counters
// rebuilt from the stored events by the usage module, passwords hashed by the auth
// module, invoices issued and paid by billing and payments (seed-demo-invoices.ts).
//
// `now` comes from the app's clock (APP_NOW pins it): the seed never reads the date
// itself and writes nothing dated after it. Safe to run again: nothing is duplicated.
//
// Money: model prices are decimal strings, per-call costs are decimal.js values stored
// as decimal strings (NUMERIC(20,10)); no float touches an amount.
import { env } from "@/env";
import type { InvoiceStatus } from "@/generated/prisma/enums";
import type { Prisma } from "@/generated/prisma/client";
import { clockNow } from "@/server/clock";
import type { TDb } from "@/server/db/client";
import { rebuildUsageCounters } from "@/server/usage/rebuild-usage-counters";
import { DEMO_ADMIN_USERS, DEMO_WIDGET_CLIENT_SLUG, DEMO_WIDGET_KEY, DEMO_WIDGET_ORIGINS } from "./demo-catalogue";
import { randomFor } from "./demo-random";
import { seedReference, type TSeedReference } from "./demo-reference";
import { abandonedAttemptRows, demoModelPriceRows, demoPlans, demoPlanVersionRows, pickDemoClients } from "./generate-demo-tenants";
import { generateClientUsage, type TDemoConversation, type TDemoMessage, type TDemoUsageEvent } from "./generate-demo-usage";
import { seedDemoAlerts } from "./seed-demo-alerts";
import { seedDemoInvoices } from "./seed-demo-invoices";
import { addMissingDemoAdmins, createMissingPlans, ensureDemoWidgetKey, insertInBatches, insertUsageEvents, upsertDemoClients } from "./write-demo-rows";

/** Generated events are written once this many are pending, so memory stays flat with all clients. */
const EVENT_FLUSH = 2_000;

export type TSeedDemoDataOptions = {
  /** The present; defaults to the app's clock. Only its month and minute matter. */
  now?: Date;
  /** How many demo clients (1-25, default all), taken round-robin across plans. */
  clients?: number;
  /** Issue and pay the closed periods' invoices (default true); false leaves billing to the caller. */
  invoices?: boolean;
};

type TCounts = {
  plans: number;
  planVersions: number;
  modelPrices: number;
  clients: number;
  usageEvents: number;
  usageCounters: number;
  conversations: number;
  messages: number;
  adminUsers: number;
  invoices: number;
  /** Charges and refunds. */
  payments: number;
};

export type TSeedSummary = {
  reference: TSeedReference;
  /** Rows this run added (counters: rows written or refreshed). */
  inserted: TCounts;
  /** Rows in the database afterwards. */
  totals: TCounts;
  timingsMs: Record<"plans" | "clients" | "usageEvents" | "conversations" | "usageCounters" | "adminUsers" | "invoices" | "total", number>;
  /** Invoices in the database afterwards, by status. */
  invoicesByStatus: Partial<Record<InvoiceStatus, number>>;
  /** The client whose publishable key is DEMO_WIDGET_KEY; null when this run did not seed it. */
  demoWidgetClient: { slug: string; name: string } | null;
};

/**
 * Seeds demo data; safe to run again (nothing is duplicated, existing plans, clients
 * and admin users are left as they are, counters are recomputed from the events).
 */
export async function seedDemoData(db: TDb, options: TSeedDemoDataOptions = {}): Promise<TSeedSummary> {
  const started = performance.now();
  let mark = started;
  const lap = () => {
    const at = performance.now();
    const elapsed = Math.round(at - mark);
    mark = at;
    return elapsed;
  };
  const now = options.now ?? clockNow();
  const reference = seedReference(now);
  const demoClients = pickDemoClients(options.clients);

  const plans = demoPlans();
  const plansCreated = await createMissingPlans(db, plans, now);
  const planVersions = await db.planConfigVersion.createMany({ data: demoPlanVersionRows(plans, demoClients, reference), skipDuplicates: true });
  const modelPrices = await db.modelPrice.createMany({ data: demoModelPriceRows(), skipDuplicates: true });
  const planTime = lap();

  const { clients, created: clientsCreated } = await upsertDemoClients(db, demoClients, reference);
  const demoWidgetClient = clients.find((c) => c.slug === DEMO_WIDGET_CLIENT_SLUG) ?? null;
  if (demoWidgetClient) await ensureDemoWidgetKey(db, demoWidgetClient.id);
  const clientTime = lap();

  // Usage events, generated client by client and written in batches.
  const planByKey = new Map(plans.map((p) => [p.key, p]));
  const allConversations: TDemoConversation[] = [];
  const allMessages: TDemoMessage[] = [];
  const failedAttempts: Prisma.ChatAttemptCreateManyInput[] = [];
  let pending: TDemoUsageEvent[] = [];
  let usageEvents = 0;
  for (const client of clients) {
    const dataset = generateClientUsage(client, planByKey.get(client.plan)!, reference);
    for (const event of dataset.events) pending.push(event);
    allConversations.push(...dataset.conversations);
    allMessages.push(...dataset.messages);
    failedAttempts.push(...dataset.failedAttempts);
    if (pending.length >= EVENT_FLUSH) {
      usageEvents += await insertUsageEvents(db, pending);
      pending = [];
    }
  }
  usageEvents += await insertUsageEvents(db, pending);
  await db.chatAttempt.createMany({ data: abandonedAttemptRows(clients, reference), skipDuplicates: true });
  await insertInBatches(failedAttempts, (data) => db.chatAttempt.createMany({ data, skipDuplicates: true }));
  const usageTime = lap();

  const conversations = await insertInBatches(allConversations, (data) => db.conversation.createMany({ data, skipDuplicates: true }));
  const messages = await insertInBatches(allMessages, (data) => db.message.createMany({ data, skipDuplicates: true }));
  const conversationTime = lap();

  // From the events as stored (a re-run keeps the rows of earlier runs), so every
  // counter is the sum of its events.
  const usageCounters = await rebuildUsageCounters(db, { clientIds: clients.map((c) => c.id), now });
  const counterTime = lap();

  const adminUsers = await addMissingDemoAdmins(db);
  const adminTime = lap();

  // After the clients and their plans: alerts and the outbox messages that told them.
  await seedDemoAlerts(db, now);

  // Last: billing reads the usage counters rebuilt above.
  const billed = options.invoices === false ? { invoices: 0, charges: 0, refunds: 0 } : await seedDemoInvoices(db, { clients, now, random: randomFor });
  const invoiceTime = lap();

  const [tPlans, tPlanVersions, tModelPrices, tClients, tEvents, tCounters, tConversations, tMessages, tAdmins, tInvoices, tPayments, byStatus] = await Promise.all([
    db.planConfig.count(),
    db.planConfigVersion.count(),
    db.modelPrice.count(),
    db.client.count(),
    db.usageEvent.count(),
    db.usageCounter.count(),
    db.conversation.count(),
    db.message.count(),
    db.adminUser.count(),
    db.invoice.count(),
    db.payment.count(),
    db.invoice.groupBy({ by: ["status"], _count: { _all: true }, orderBy: { status: "asc" } }),
  ]);

  return {
    reference,
    inserted: {
      plans: plansCreated,
      planVersions: planVersions.count,
      modelPrices: modelPrices.count,
      clients: clientsCreated,
      usageEvents,
      usageCounters,
      conversations,
      messages,
      adminUsers,
      invoices: billed.invoices,
      payments: billed.charges + billed.refunds,
    },
    totals: {
      plans: tPlans,
      planVersions: tPlanVersions,
      modelPrices: tModelPrices,
      clients: tClients,
      usageEvents: tEvents,
      usageCounters: tCounters,
      conversations: tConversations,
      messages: tMessages,
      adminUsers: tAdmins,
      invoices: tInvoices,
      payments: tPayments,
    },
    timingsMs: {
      plans: planTime,
      clients: clientTime,
      usageEvents: usageTime,
      conversations: conversationTime,
      usageCounters: counterTime,
      adminUsers: adminTime,
      invoices: invoiceTime,
      total: Math.round(performance.now() - started),
    },
    invoicesByStatus: Object.fromEntries(byStatus.map((row) => [row.status, row._count._all])),
    demoWidgetClient: demoWidgetClient && { slug: demoWidgetClient.slug, name: demoWidgetClient.name },
  };
}

/** Prints what the seed wrote and how to log in to the dashboard. */
export function printLoginHelp(summary: TSeedSummary, log: (line: string) => void = console.log): void {
  const { inserted, totals, timingsMs, reference } = summary;
  const labels: [keyof TCounts, string][] = [
    ["plans", "plans"],
    ["planVersions", "plan versions"],
    ["modelPrices", "model prices"],
    ["clients", "clients"],
    ["usageEvents", "usage events"],
    ["usageCounters", "usage counters"],
    ["conversations", "conversations"],
    ["messages", "messages"],
    ["adminUsers", "admin users"],
    ["invoices", "invoices"],
    ["payments", "payments"],
  ];
  log(`Demo data ready in ${(timingsMs.total / 1000).toFixed(1)} s; usage from ${reference.windowStart.toISOString().slice(0, 10)} to ${reference.cutoff.toISOString()}.`);
  for (const [key, label] of labels) {
    log(`  ${label.padEnd(15)} ${String(totals[key]).padStart(7)}  (+${inserted[key]} this run)`);
  }
  const statuses = Object.entries(summary.invoicesByStatus).map(([status, count]) => `${status} ${count}`);
  if (statuses.length > 0) log(`  invoices by status: ${statuses.join(", ")}`);
  log(`  timings (ms): ${Object.entries(timingsMs).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  log(`Log in at ${new URL("/login", env().NEXTAUTH_URL).toString()} as:`);
  for (const user of DEMO_ADMIN_USERS) log(`  ${user.role.padEnd(6)} ${user.email} / ${user.password}`);
  log("(Admin users that already existed keep their password.)");
  if (summary.demoWidgetClient) {
    log(`Chat widget demo: ${new URL("/demo", env().NEXTAUTH_URL).toString()}`);
    log(`  ${summary.demoWidgetClient.name}'s publishable key ${DEMO_WIDGET_KEY}, allowed from ${DEMO_WIDGET_ORIGINS.join(", ")}`);
  }
}
