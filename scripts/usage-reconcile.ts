import "./load-env";
// npm run usage:reconcile -- [YYYY-MM] [--fix]: recounts a period's monthly usage counters
// from the usage events (default: the current period), prints every difference, and with
// --fix repairs them (one audit entry per client). Safe while chat traffic runs: see
// src/server/usage/reconcile-usage-counters.ts for the locking.
import { clockNow } from "@/server/clock";
import { databaseOptionsFromEnv, openDatabase } from "@/server/db/client";
import { reconcileUsageCounters } from "@/server/usage/reconcile-usage-counters";
import { ZPeriod, periodOf } from "@/server/usage/period";

function usage(message: string): never {
  console.error(`${message}\nusage: npm run usage:reconcile -- [YYYY-MM] [--fix]   (default: the current period, ${periodOf(clockNow())})`);
  process.exit(2);
}

async function main() {
  const args = process.argv.slice(2);
  const fix = args.includes("--fix");
  const rest = args.filter((arg) => arg !== "--fix");
  if (rest.length > 1) usage(`Unexpected arguments: ${rest.slice(1).join(" ")}`);
  const now = clockNow();
  const period = rest[0] ?? periodOf(now);
  if (!ZPeriod.safeParse(period).success) usage(`"${period}" is not a month written YYYY-MM.`);

  const database = await openDatabase(databaseOptionsFromEnv());
  try {
    const result = await reconcileUsageCounters(database.db, { period, fix, now });
    if (result.differences.length === 0) {
      console.log(`Usage ${period}: every counter equals its recount from the usage events.`);
      return;
    }
    console.log(`Usage ${period}: ${result.differences.length} counters differ from their recount:`);
    console.log(["client", "metric", "counter", "recount", "difference"].join("\t"));
    for (const d of result.differences) {
      console.log([d.slug, d.metric, d.counter ?? "(none)", d.recount, d.difference.startsWith("-") ? d.difference : `+${d.difference}`].join("\t"));
    }
    if (fix) {
      console.log(`Repaired ${result.fixed} counters of ${result.clientsFixed} clients (audited as usage.reconcile).`);
    } else {
      console.log("Nothing changed. Run again with --fix to set these counters to their recount.");
      process.exitCode = 1;
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
