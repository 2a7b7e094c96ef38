// The billing run of one closed period: an invoice for every active client that
// existed before the period ended.
//
// Set-based: clients go in batches (BATCH_SIZE), each batch one transaction of a
// fixed number of statements (issue-invoices.ts), not a loop of per-client queries.
// Resumable: clients already invoiced for the period are skipped up front, and a run
// stopped half-way (a batch commits or not, whole) is finished by running it again.
// Safe with two workers at once: a batch locks its clients (in id order) and skips
// those invoiced by the time it holds the locks; (client, period) is unique besides.
// A client that cannot be invoiced (a plan priced in another currency...) is reported
// and does not stop the others.
import { z } from "zod";
import type { TDb } from "@/server/db/client";
import { ZPeriod, periodRange } from "@/server/usage/period";
import { inTransaction } from "@/server/db/client";
import { DEFAULT_NET_DAYS, assertClosedPeriod } from "./generate-invoice";
import { issueInvoices, type TBillingActor } from "./issue-invoices";
import { clockNow } from "@/server/clock";

/** Clients per transaction: big enough to amortise round trips, small enough to keep locks short. */
export const BATCH_SIZE = 500;

export const ZRunBillingInput = z.object({ period: ZPeriod });
export type TRunBillingInput = z.infer<typeof ZRunBillingInput>;

export type TBillingProgress = {
  /** Clients handled so far in this run, out of `total` (those not yet invoiced when it started). */
  done: number;
  total: number;
  clientId: string;
  outcome: "created" | "existing" | "failed";
};

export const ZRunBillingResult = z.object({
  period: z.string(),
  /** Active clients that existed before the period ended. */
  eligible: z.number().int(),
  /** Invoiced before this run started (skipped). */
  alreadyInvoiced: z.number().int(),
  created: z.number().int(),
  /** Invoiced by another worker while this run went. */
  existing: z.number().int(),
  failed: z.array(z.object({ clientId: z.string(), message: z.string() })),
  durationMs: z.number().int(),
});
export type TRunBillingResult = z.infer<typeof ZRunBillingResult>;

export type TRunBillingOptions = TRunBillingInput & {
  now?: Date;
  netDays?: number;
  batchSize?: number;
  /** Recorded on each invoice's audit entry; default SYSTEM_ACTOR. */
  actor?: TBillingActor;
  /** See TIssueInvoicesOptions.auditAt (the demo seed dates its history). */
  auditAt?: Date;
  /** Called once per client, after its batch committed. */
  onProgress?: (progress: TBillingProgress) => void;
};

export async function runBilling(db: TDb, options: TRunBillingOptions): Promise<TRunBillingResult> {
  const started = performance.now();
  const { period } = ZRunBillingInput.parse({ period: options.period });
  const now = options.now ?? clockNow();
  assertClosedPeriod(period, now);
  const { end } = periodRange(period);

  const eligible = { status: "active" as const, createdAt: { lt: end } };
  const [eligibleCount, pending] = await Promise.all([
    db.client.count({ where: eligible }),
    db.client.findMany({
      where: { ...eligible, invoices: { none: { period } } },
      select: { id: true },
      orderBy: { id: "asc" },
    }),
  ]);

  const result: TRunBillingResult = {
    period,
    eligible: eligibleCount,
    alreadyInvoiced: eligibleCount - pending.length,
    created: 0,
    existing: 0,
    failed: [],
    durationMs: 0,
  };
  let done = 0;
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const issue = { period, now, netDays: options.netDays ?? DEFAULT_NET_DAYS, actor: options.actor, auditAt: options.auditAt };
  for (let i = 0; i < pending.length; i += batchSize) {
    const batch = pending.slice(i, i + batchSize).map((c) => c.id);
    const outcome = await inTransaction(db, (tx) => issueInvoices(tx, batch, issue), { timeout: 120_000, maxWait: 120_000 });
    const failedOf = new Map(outcome.failed.map((f) => [f.clientId, f.error.message]));
    for (const clientId of batch) {
      const message = failedOf.get(clientId);
      const status: TBillingProgress["outcome"] = message !== undefined ? "failed" : outcome.issued.has(clientId) ? "created" : "existing";
      if (message !== undefined) result.failed.push({ clientId, message });
      else result[status === "created" ? "created" : "existing"]++;
      done++;
      options.onProgress?.({ done, total: pending.length, clientId, outcome: status });
    }
  }
  result.durationMs = Math.round(performance.now() - started);
  return result;
}
