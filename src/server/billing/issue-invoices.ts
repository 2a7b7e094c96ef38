// Issues the invoices of a batch of clients for one closed period, set-based: a fixed
// number of statements per batch whatever its size (lock the clients, read plan
// changes, plan versions, counters; one sequence UPDATE; one INSERT ... SELECT for the
// invoices, one for their lines, one UPDATE of the plan changes). Pricing stays in the
// pure priceUsage, so one batch of 1 (generateInvoice) and a batch of 500 (runBilling)
// bill exactly alike.
//
// The rules (plan at period start, zero invoices, numbering, currency) are written
// down in generate-invoice.ts. Must run inside a transaction: the clients' row locks
// (FOR UPDATE, in id order, so two workers never deadlock) are what keep two workers
// from invoicing one client twice; a client already invoiced once the lock is held is
// skipped. The InvoiceNumberSequence row is taken last and held to commit, so numbers
// are gapless and ascend with the batch's client ids.
import { clockNow } from "@/server/clock";
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { ZPlanPricing, type TPlanPricing } from "@/shared/plan-config";
import { formatMinorUnits } from "@/server/money/money";
import { periodRange } from "@/server/usage/period";
import { findInvoiceOverflow, priceUsage, type TPricedPlanChange } from "./pricing";

const DAY_MS = 86_400_000;

/** Who issued: an admin (TSessionUser fits), or a job (`{ id: null, email: "system:cron" }`). */
export type TBillingActor = { id: string | null; email: string };

/** The actor of runs nobody signed in for (CLI, cron); the audit log names them by email. */
export const SYSTEM_ACTOR: TBillingActor = { id: null, email: "system" };

export type TIssueInvoicesOptions = {
  period: string;
  now: Date;
  netDays: number;
  actor?: TBillingActor;
  /** When the audit entries say the invoices were issued; default the app's clock (when written). */
  auditAt?: Date;
};

export type TIssueInvoicesResult = {
  /** clientId -> id of the invoice issued now. */
  issued: Map<string, string>;
  /** Clients invoiced for the period before this batch got their lock. */
  existing: string[];
  /** Clients that could not be invoiced (nothing written for them). */
  failed: { clientId: string; error: AppError }[];
};

type TPlanVersionRow = { planKey: string; version: number; pricing: unknown; createdAt: Date };
type TResolvedPlan = { key: string; version: number; pricing: TPlanPricing };

/** The invoice number format: INV-2026-000123. */
export function formatInvoiceNumber(year: number, value: number): string {
  return `INV-${year}-${String(value).padStart(6, "0")}`;
}

/**
 * The plan version in force at `start`: the from-version of the client's first plan
 * change at or after `start` if any; else the latest snapshot created at or before
 * `start`, or the first one when all are newer (seeded plans); else the live plan.
 */
export function resolvePlanAtStart(
  key: string,
  changedFromVersion: number | null,
  versions: readonly TPlanVersionRow[],
  live: { version: number; pricing: unknown } | undefined,
  start: Date,
): TResolvedPlan | null {
  const own = versions.filter((v) => v.planKey === key).sort((a, b) => b.version - a.version);
  const snapshot =
    changedFromVersion !== null
      ? own.find((v) => v.version === changedFromVersion)
      : (own.find((v) => v.createdAt <= start) ?? own[own.length - 1]);
  if (snapshot) return { key, version: snapshot.version, pricing: ZPlanPricing.parse(snapshot.pricing) };
  if (!live || (changedFromVersion !== null && live.version !== changedFromVersion)) return null;
  return { key, version: live.version, pricing: ZPlanPricing.parse(live.pricing) };
}

export async function issueInvoices(tx: TDbClient, clientIds: readonly string[], options: TIssueInvoicesOptions): Promise<TIssueInvoicesResult> {
  const result: TIssueInvoicesResult = { issued: new Map(), existing: [], failed: [] };
  if (clientIds.length === 0) return result;
  const { period, now, netDays } = options;
  const { start, end } = periodRange(period);
  const ids = [...clientIds];

  const clients = await tx.$queryRawUnsafe<{ id: string; planKey: string; currency: string }[]>(
    `SELECT id::text AS id, "planKey", currency FROM "Client" WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    ids,
  );
  const missing = ids.filter((id) => !clients.some((c) => c.id === id));
  for (const clientId of missing) result.failed.push({ clientId, error: new AppError("NOT_FOUND", "No client with that id.", { id: clientId }) });
  // A statement of its own, AFTER the locks are held: under READ COMMITTED it sees the
  // invoices committed by whoever held them before (a subquery in the locking SELECT
  // would still read the snapshot taken before the wait).
  const invoiced = await tx.$queryRawUnsafe<{ clientId: string }[]>(
    `SELECT "clientId"::text AS "clientId" FROM "Invoice" WHERE period = $1 AND "clientId" = ANY($2::uuid[])`,
    period,
    clients.map((c) => c.id),
  );
  const invoicedIds = new Set(invoiced.map((i) => i.clientId));
  result.existing = clients.filter((c) => invoicedIds.has(c.id)).map((c) => c.id);
  const open = clients.filter((c) => !invoicedIds.has(c.id));
  if (open.length === 0) return result;
  const openIds = open.map((c) => c.id);

  const [firstChanges, counters, changes] = await Promise.all([
    tx.$queryRawUnsafe<{ clientId: string; fromPlanKey: string; fromPlanVersion: number }[]>(
      `SELECT DISTINCT ON ("clientId") "clientId"::text AS "clientId", "fromPlanKey", "fromPlanVersion"
       FROM "PlanChange" WHERE "clientId" = ANY($1::uuid[]) AND "effectiveAt" >= $2
       ORDER BY "clientId", "effectiveAt", "createdAt"`,
      openIds,
      start,
    ),
    tx.$queryRawUnsafe<{ clientId: string; metric: string; value: string }[]>(
      `SELECT "clientId"::text AS "clientId", metric, value::text AS value
       FROM "UsageCounter" WHERE period = $1 AND "clientId" = ANY($2::uuid[])`,
      period,
      openIds,
    ),
    tx.$queryRawUnsafe<(Omit<TPricedPlanChange, "creditAmount" | "chargeAmount"> & { clientId: string; currency: string; creditAmount: string; chargeAmount: string })[]>(
      // The plans' names as they were at the versions changed between (a plan can be renamed later).
      `SELECT c.id::text AS id, c."clientId"::text AS "clientId", c."fromPlanKey", c."toPlanKey", c."effectiveAt",
              c."creditAmount"::text AS "creditAmount", c."chargeAmount"::text AS "chargeAmount", c.currency,
              COALESCE(NULLIF(f.snapshot ->> 'name', ''), fp.name, c."fromPlanKey") AS "fromPlanName",
              COALESCE(NULLIF(t.snapshot ->> 'name', ''), tp.name, c."toPlanKey") AS "toPlanName"
       FROM "PlanChange" c
       LEFT JOIN "PlanConfigVersion" f ON f."planKey" = c."fromPlanKey" AND f.version = c."fromPlanVersion"
       LEFT JOIN "PlanConfigVersion" t ON t."planKey" = c."toPlanKey" AND t.version = c."toPlanVersion"
       LEFT JOIN "PlanConfig" fp ON fp.key = c."fromPlanKey"
       LEFT JOIN "PlanConfig" tp ON tp.key = c."toPlanKey"
       WHERE c."clientId" = ANY($1::uuid[]) AND c."effectiveAt" >= $2 AND c."effectiveAt" < $3 AND c."invoiceId" IS NULL`,
      openIds,
      start,
      end,
    ),
  ]);
  const firstChangeOf = new Map(firstChanges.map((c) => [c.clientId, c]));
  const planKeys = [...new Set(open.map((c) => firstChangeOf.get(c.id)?.fromPlanKey ?? c.planKey))];
  const [versions, livePlans] = await Promise.all([
    tx.planConfigVersion.findMany({ where: { planKey: { in: planKeys } }, select: { planKey: true, version: true, snapshot: true, createdAt: true } }),
    tx.planConfig.findMany({ where: { key: { in: planKeys } }, select: { key: true, version: true, pricing: true } }),
  ]);
  const versionRows: TPlanVersionRow[] = versions.map((v) => ({ ...v, pricing: (v.snapshot as { pricing?: unknown } | null)?.pricing }));
  const liveOf = new Map(livePlans.map((p) => [p.key, p]));
  const resolved = new Map<string, TResolvedPlan | null | AppError>();
  const planFor = (key: string, fromVersion: number | null) => {
    const cacheKey = `${key}@${fromVersion ?? "start"}`;
    if (!resolved.has(cacheKey)) {
      try {
        resolved.set(cacheKey, resolvePlanAtStart(key, fromVersion, versionRows, liveOf.get(key), start));
      } catch (error) {
        // A snapshot whose pricing no longer parses fails its clients, not the whole batch.
        const detail = error instanceof Error ? error.message : String(error);
        resolved.set(cacheKey, new AppError("PLAN_PRICING_INVALID", `The pricing of plan "${key}" is invalid: ${detail}`, { planKey: key }));
      }
    }
    return resolved.get(cacheKey)!;
  };

  const usageOf = new Map<string, Record<string, string>>();
  for (const c of counters) usageOf.set(c.clientId, { ...usageOf.get(c.clientId), [c.metric]: c.value });
  const changesOf = new Map<string, typeof changes>();
  for (const c of changes) changesOf.set(c.clientId, [...(changesOf.get(c.clientId) ?? []), c]);

  const priced = [];
  for (const client of open) {
    const first = firstChangeOf.get(client.id);
    const key = first?.fromPlanKey ?? client.planKey;
    const plan = planFor(key, first?.fromPlanVersion ?? null);
    const own = changesOf.get(client.id) ?? [];
    const foreign = own.find((c) => c.currency !== client.currency);
    let error: AppError | null = null;
    if (plan instanceof AppError) {
      error = plan;
    } else if (!plan) {
      error = new AppError("PLAN_SNAPSHOT_MISSING", `No snapshot of plan "${key}"${first ? ` version ${first.fromPlanVersion}` : ""} to invoice client ${client.id} with.`, { clientId: client.id, planKey: key });
    } else if (plan.pricing.currency !== client.currency) {
      error = new AppError(
        "CURRENCY_MISMATCH",
        `Client ${client.id} is invoiced in ${client.currency} but plan "${plan.key}" v${plan.version} is priced in ${plan.pricing.currency}.`,
        { clientId: client.id, clientCurrency: client.currency, planKey: plan.key, planCurrency: plan.pricing.currency },
      );
    } else if (foreign) {
      error = new AppError("CURRENCY_MISMATCH", `Plan change ${foreign.id} is in ${foreign.currency}; client ${client.id} is invoiced in ${client.currency}.`, {
        clientId: client.id,
        planChangeId: foreign.id,
      });
    }
    if (error || !plan || plan instanceof AppError) {
      result.failed.push({ clientId: client.id, error: error! });
      continue;
    }
    const invoice = priceUsage(plan.pricing, usageOf.get(client.id) ?? {}, own);
    const overflow = findInvoiceOverflow(invoice);
    if (overflow) {
      const message = `The ${period} invoice of client ${client.id} cannot be issued: ${overflow}. Nothing was written for this client.`;
      result.failed.push({ clientId: client.id, error: new AppError("INVOICE_TOO_LARGE", message, { clientId: client.id, period, planKey: plan.key }) });
      continue;
    }
    priced.push({ client, plan, changes: own, invoice });
  }
  if (priced.length === 0) return result;

  // One upsert takes the whole batch's numbers; the row lock is held to commit.
  const year = now.getUTCFullYear();
  const [sequence] = await tx.$queryRawUnsafe<{ lastValue: number }[]>(
    `INSERT INTO "InvoiceNumberSequence" ("year", "lastValue") VALUES ($1, $2)
     ON CONFLICT ("year") DO UPDATE SET "lastValue" = "InvoiceNumberSequence"."lastValue" + EXCLUDED."lastValue"
     RETURNING "lastValue"`,
    year,
    priced.length,
  );
  const firstNumber = Number(sequence!.lastValue) - priced.length + 1;
  const dueAt = new Date(now.getTime() + netDays * DAY_MS);

  const invoices = priced.map(({ client, plan, invoice }, index) => {
    const total = new Decimal(invoice.total);
    // Nothing to collect (zero, or a credit owed to the client): issued settled.
    const settled = total.lte(0);
    return {
      id: randomUUID(),
      number: formatInvoiceNumber(year, firstNumber + index),
      clientId: client.id,
      currency: invoice.currency,
      status: settled ? "paid" : "pending",
      planKey: plan.key,
      planVersion: plan.version,
      total: invoice.total,
      paidAt: settled ? now : null,
      notes: total.isNegative() ? `Credit of ${formatMinorUnits(total.neg(), invoice.currency)} ${invoice.currency} owed to the client.` : null,
    };
  });
  await tx.$executeRawUnsafe(
    // billTo: the client's billing details as they are now (locked above), kept on the invoice.
    `INSERT INTO "Invoice" (id, number, "clientId", period, "periodStart", "periodEnd", currency, status, "planKey", "planVersion",
       subtotal, tax, total, "issuedAt", "dueAt", "paidAt", notes, "billTo", "createdAt", "updatedAt")
     SELECT r.id, r.number, r."clientId", $2, $3, $4, r.currency, r.status::"InvoiceStatus", r."planKey", r."planVersion",
       r.total, 0, r.total, $5, $6, r."paidAt", r.notes, meterline_bill_to(r."clientId"), $5, $5
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, number text, "clientId" uuid, currency text, status text, "planKey" text,
       "planVersion" int, total numeric, "paidAt" timestamptz, notes text)`,
    JSON.stringify(invoices),
    period,
    start,
    end,
    now,
    dueAt,
  );
  const lines = priced.flatMap(({ invoice }, index) =>
    invoice.lines.map((line, sortOrder) => ({ ...line, invoiceId: invoices[index]!.id, sortOrder })),
  );
  await tx.$executeRawUnsafe(
    `INSERT INTO "InvoiceLineItem" ("invoiceId", kind, metric, description, quantity, "unitPrice", amount, "sortOrder", metadata)
     SELECT r."invoiceId", r.kind, r.metric, r.description, r.quantity, r."unitPrice", r.amount, r."sortOrder", r.metadata
     FROM jsonb_to_recordset($1::jsonb) AS r("invoiceId" uuid, kind text, metric text, description text, quantity numeric,
       "unitPrice" numeric, amount numeric, "sortOrder" int, metadata jsonb)`,
    // Amounts and quantities are decimal strings: no float on the way in.
    JSON.stringify(lines),
  );
  const billedChanges = priced.flatMap(({ changes: own }, index) => own.map((c) => ({ id: c.id, invoiceId: invoices[index]!.id })));
  if (billedChanges.length > 0) {
    await tx.$executeRawUnsafe(
      `UPDATE "PlanChange" p SET "invoiceId" = r."invoiceId"
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "invoiceId" uuid)
       WHERE p.id = r.id AND p."invoiceId" IS NULL`,
      JSON.stringify(billedChanges),
    );
  }
  // Issuing is a money change: one audit entry per invoice, in the same transaction.
  const actor = options.actor ?? SYSTEM_ACTOR;
  await tx.$executeRawUnsafe(
    // createdAt: when it was written (the app's clock), whatever issue date the run used.
    `INSERT INTO "AuditLog" ("actorId", "actorEmail", action, "entityType", "entityId", "clientId", after, "createdAt")
     SELECT $2::uuid, $3, 'invoice.issue', 'Invoice', r.id::text, r."clientId",
       jsonb_build_object('number', r.number, 'period', $4::text, 'status', r.status, 'currency', r.currency,
         'total', r.total, 'planKey', r."planKey", 'planVersion', r."planVersion", 'issuedAt', $5::text), $6::timestamptz
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, number text, "clientId" uuid, currency text, status text, "planKey" text,
       "planVersion" int, total text)`,
    JSON.stringify(invoices),
    actor.id,
    actor.email,
    period,
    now.toISOString(),
    options.auditAt ?? clockNow(),
  );
  for (const [index, { client }] of priced.entries()) result.issued.set(client.id, invoices[index]!.id);
  return result;
}
