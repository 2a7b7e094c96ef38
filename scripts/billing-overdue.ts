import "./load-env";
import { clockNow } from "@/server/clock";
// npm run billing:overdue: pending invoices whose due date has passed become overdue.
// Run it daily (or call POST /api/cron/overdue); safe to run any number of times.
import { databaseOptionsFromEnv, openDatabase } from "@/server/db/client";
import { markOverdueInvoices } from "@/server/billing/invoice-status";

async function main() {
  const database = await openDatabase(databaseOptionsFromEnv());
  try {
    const now = clockNow();
    const count = await markOverdueInvoices(database.db, now);
    console.log(`${count} invoice${count === 1 ? "" : "s"} marked overdue (due before ${now.toISOString()}).`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
