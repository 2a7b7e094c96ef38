import "./load-env";
import { clockNow } from "@/server/clock";
// npm run billing:run -- 2026-10: invoices every active client for a past period,
// printing progress and a summary. Safe to run again (invoiced clients are skipped)
// and alongside another worker on PostgreSQL.
import { databaseOptionsFromEnv, openDatabase } from "@/server/db/client";
import { runBilling } from "@/server/billing/run-billing";
import { ZPeriod, periodOf, periodRange } from "@/server/usage/period";

function usage(message: string): never {
  console.error(`${message}\nusage: npm run billing:run -- YYYY-MM   (a past month, e.g. ${periodOf(new Date(Date.UTC(clockNow().getUTCFullYear(), clockNow().getUTCMonth() - 1, 1)))})`);
  process.exit(2);
}

async function main() {
  const period = process.argv[2];
  if (!period) usage("Which period? Give a month.");
  if (!ZPeriod.safeParse(period).success) usage(`"${period}" is not a month written YYYY-MM.`);
  const now = clockNow();
  if (periodRange(period).end.getTime() > now.getTime()) {
    usage(`${period} is the current or a future period: only periods that have ended can be invoiced (the current one is ${periodOf(now)}).`);
  }

  const options = databaseOptionsFromEnv();
  const database = await openDatabase(options);
  try {
    let lastDone = 0;
    let lastAt = performance.now();
    const result = await runBilling(database.db, {
      period,
      now,
      actor: { id: null, email: "system:billing-run" },
      onProgress: ({ done, total, clientId, outcome }) => {
        if (outcome === "failed") console.error(`  ${clientId}: failed`);
        if (done === total || done - lastDone >= 100 || performance.now() - lastAt > 2000) {
          lastDone = done;
          lastAt = performance.now();
          console.log(`  ${done}/${total} clients`);
        }
      },
    });
    console.log(
      `Billing ${result.period}: ${result.created} invoices issued, ${result.existing + result.alreadyInvoiced} already invoiced, ` +
        `${result.failed.length} failed, of ${result.eligible} active clients, in ${(result.durationMs / 1000).toFixed(1)} s.`,
    );
    for (const failure of result.failed) console.error(`  failed: client ${failure.clientId}: ${failure.message}`);
    if (result.failed.length > 0) process.exitCode = 1;
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
