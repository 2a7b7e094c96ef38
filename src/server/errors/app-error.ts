// One error type for domain code. Its code decides, in one table, the tRPC code and
// the HTTP status that callers see (tRPC error formatter and route handlers alike).
import type { TRPCError } from "@trpc/server";

type TRPC_ERROR_CODE_KEY = ConstructorParameters<typeof TRPCError>[0]["code"];

export const APP_ERROR_CODES = {
  // Generic refusals, for what no domain code below names.
  BAD_REQUEST: { trpc: "BAD_REQUEST", http: 400 },
  UNAUTHORIZED: { trpc: "UNAUTHORIZED", http: 401 },
  FORBIDDEN: { trpc: "FORBIDDEN", http: 403 },
  NOT_FOUND: { trpc: "NOT_FOUND", http: 404 },
  CONFLICT: { trpc: "CONFLICT", http: 409 },
  PAYLOAD_TOO_LARGE: { trpc: "PAYLOAD_TOO_LARGE", http: 413 },
  // Admin users.
  EMAIL_TAKEN: { trpc: "CONFLICT", http: 409 },
  LAST_ADMIN: { trpc: "CONFLICT", http: 409 },
  // Tenants and their API keys.
  KEY_REVOKED: { trpc: "UNAUTHORIZED", http: 401 },
  CLIENT_SUSPENDED: { trpc: "FORBIDDEN", http: 403 },
  // The metered chat path.
  IDEMPOTENCY_IN_PROGRESS: { trpc: "CONFLICT", http: 409 },
  IDEMPOTENCY_KEY_REUSED: { trpc: "UNPROCESSABLE_CONTENT", http: 422 },
  FEEDBACK_ALREADY_GIVEN: { trpc: "CONFLICT", http: 409 },
  PLAN_LIMIT_EXCEEDED: { trpc: "TOO_MANY_REQUESTS", http: 429 },
  PROVIDERS_UNAVAILABLE: { trpc: "SERVICE_UNAVAILABLE", http: 503 },
  PROMPT_OVER_BUDGET: { trpc: "PAYLOAD_TOO_LARGE", http: 413 },
  // Plans.
  PLAN_KEY_TAKEN: { trpc: "CONFLICT", http: 409 },
  PLAN_IN_USE: { trpc: "CONFLICT", http: 409 },
  STALE_PLAN_VERSION: { trpc: "CONFLICT", http: 409 },
  PLAN_CHANGE_NEEDS_CONFIRMATION: { trpc: "CONFLICT", http: 409 },
  PLAN_PRICING_INVALID: { trpc: "CONFLICT", http: 409 },
  PLAN_SNAPSHOT_MISSING: { trpc: "CONFLICT", http: 409 },
  // Invoices and payments.
  INVOICE_ALREADY_PAID: { trpc: "CONFLICT", http: 409 },
  INVOICE_STATUS_CONFLICT: { trpc: "CONFLICT", http: 409 },
  CHARGE_IN_FLIGHT: { trpc: "CONFLICT", http: 409 },
  CHARGE_OF_ANOTHER_INVOICE: { trpc: "CONFLICT", http: 409 },
  INVOICE_HAS_PAYMENTS: { trpc: "CONFLICT", http: 409 },
  INVOICE_TOO_LARGE: { trpc: "CONFLICT", http: 409 },
  CURRENCY_MISMATCH: { trpc: "CONFLICT", http: 409 },
  REFUND_REVERSED: { trpc: "CONFLICT", http: 409 },
  WEBHOOK_EVENT_CLOSED: { trpc: "CONFLICT", http: 409 },
  // Usage alerts and their outbox.
  NO_ALERT_RECIPIENTS: { trpc: "CONFLICT", http: 409 },
  NOTIFICATION_NOT_RESENDABLE: { trpc: "CONFLICT", http: 409 },
  NOTIFICATION_UNREADABLE: { trpc: "CONFLICT", http: 409 },
  // A/B tests of models (experiments).
  EXPERIMENT_STATUS_CONFLICT: { trpc: "CONFLICT", http: 409 },
  EXPERIMENT_ALREADY_ACTIVE: { trpc: "CONFLICT", http: 409 },
  // Scheduled jobs: the endpoints refuse to run unprotected.
  CRON_NOT_CONFIGURED: { trpc: "SERVICE_UNAVAILABLE", http: 503 },
} as const satisfies Record<string, { trpc: TRPC_ERROR_CODE_KEY; http: number }>;

export type TAppErrorCode = keyof typeof APP_ERROR_CODES;

export class AppError extends Error {
  override name = "AppError";

  constructor(
    readonly code: TAppErrorCode,
    message: string,
    /** What a caller needs to act on the error (limit, current usage, field...). */
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get httpStatus(): number {
    return APP_ERROR_CODES[this.code].http;
  }

  get trpcCode(): TRPC_ERROR_CODE_KEY {
    return APP_ERROR_CODES[this.code].trpc;
  }
}
