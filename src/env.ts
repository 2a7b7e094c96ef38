// The only reader of process.env. Every variable is validated once, and a missing or
// malformed one stops the app with a single message naming it.
import { z } from "zod";

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

const ZServerEnv = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** PostgreSQL connection string. Unset: the embedded PGlite database under PGLITE_DATA_DIR. */
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection string")
      .optional(),
  ),
  PGLITE_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default(".data/pglite")),
  /** Secret that signs admin sessions; at least 32 characters. */
  NEXTAUTH_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string({ error: "is required: 32+ random characters, e.g. openssl rand -base64 32" }).min(32, "must be at least 32 characters"),
  ),
  NEXTAUTH_URL: z.preprocess(emptyAsUndefined, z.url().default("http://localhost:3000")),
  /** Local Ollama server (the free plan's default provider). */
  OLLAMA_BASE_URL: z.preprocess(emptyAsUndefined, z.url().default("http://127.0.0.1:11434")),
  ANTHROPIC_API_KEY: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  ANTHROPIC_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  OPENAI_API_KEY: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  OPENAI_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  /** Wait for a provider's response headers, and between stream chunks. */
  LLM_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(30_000)),
  /** Stripe secret API key (sk_live_... / sk_test_...). Unset: the Stripe provider reports itself not configured. */
  STRIPE_SECRET_KEY: z.preprocess(emptyAsUndefined, z.string().regex(/^(sk|rk)_/, "must be a Stripe secret or restricted key (sk_... / rk_...)").optional()),
  /** Signing secret of the Stripe webhook endpoint (whsec_...). */
  STRIPE_WEBHOOK_SECRET: z.preprocess(emptyAsUndefined, z.string().startsWith("whsec_", "must be a Stripe webhook secret (whsec_...)").optional()),
  /** Another Stripe API origin (tests: a local server speaking Stripe's API). Unset: api.stripe.com. */
  STRIPE_API_BASE: z.preprocess(emptyAsUndefined, z.url().optional()),
  /** Bearer token the cron routes (/api/cron/*) require. Unset: those routes answer 503. */
  CRON_SECRET: z.preprocess(emptyAsUndefined, z.string().min(24, "must be at least 24 characters").optional()),
  /** Resend API key for alert emails. Unset: emails are rendered and kept in the dashboard's outbox (deliveredVia 'stored'). */
  RESEND_API_KEY: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  /** Another Resend API origin (tests: a local server). Unset: api.resend.com. */
  RESEND_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  /** The sender of alert emails (a domain verified at Resend). */
  ALERTS_EMAIL_FROM: z.preprocess(emptyAsUndefined, z.string().min(3).default("Meterline alerts <alerts@meterline.local>")),
  /** The alert worker inside the app (`npm start`): 'off' when separate `npm run worker` processes or the cron route do it. */
  METERLINE_WORKER: z.preprocess(emptyAsUndefined, z.enum(["on", "off"]).default("on")),
  /** How often the alert worker runs. */
  ALERT_WORKER_INTERVAL_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1_000).default(15_000)),
  /** The seller printed on invoices (name, postal address lines separated by "\n", email, tax id). */
  INVOICE_SELLER_NAME: z.preprocess(emptyAsUndefined, z.string().default("Meterline Ltd.")),
  INVOICE_SELLER_ADDRESS: z.preprocess(emptyAsUndefined, z.string().default("1 Example Street\nLondon EC1A 1AA\nUnited Kingdom")),
  INVOICE_SELLER_EMAIL: z.preprocess(emptyAsUndefined, z.email().default("billing@meterline.local")),
  INVOICE_SELLER_TAX_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
});

export type TServerEnv = z.infer<typeof ZServerEnv>;

/**
 * APP_NOW pins the app's clock (src/server/clock.ts) to an instant, for demos "as of" a
 * date and for tests at month boundaries. Read apart from the rest of the environment:
 * tests, the seed and Playwright's own process use the clock without a NEXTAUTH_SECRET.
 * A production deployment (NODE_ENV=production on PostgreSQL) refuses it.
 */
export function appNowFromEnv(source: Record<string, string | undefined> = process.env): { at: Date; since: number | null } | null {
  const raw = source.APP_NOW?.trim();
  if (!raw) return null;
  const pinned = z.iso.datetime({ offset: true }).safeParse(raw);
  if (!pinned.success) {
    throw new EnvError(`Invalid environment configuration:\n  APP_NOW: must be an ISO 8601 instant such as 2027-01-01T00:05:00Z, got "${raw}"`);
  }
  if (source.NODE_ENV === "production" && source.DATABASE_URL) {
    throw new EnvError(
      "Invalid environment configuration:\n  APP_NOW: pins the clock for demos and tests; unset it in production (NODE_ENV=production with DATABASE_URL)",
    );
  }
  const since = Number(source.APP_NOW_SINCE);
  return { at: new Date(pinned.data), since: Number.isSafeInteger(since) && since > 0 ? since : null };
}

/** NODE_ENV=production (`next start`, a deployment), read apart from the rest: checks that differ in production need no secrets. */
export function isProductionEnv(source: Record<string, string | undefined> = process.env): boolean {
  return source.NODE_ENV === "production";
}

export class EnvError extends Error {
  override name = "EnvError";
}

export function parseEnv(source: Record<string, string | undefined>): TServerEnv {
  const result = ZServerEnv.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new EnvError(`Invalid environment configuration (see .env.example):\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: TServerEnv | undefined;

/** Validated on first use, so `next build` and tools that need none of it do not fail. */
export function env(): TServerEnv {
  cached ??= parseEnv(process.env);
  return cached;
}
