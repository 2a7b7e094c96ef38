// Shared by the plans suites: tRPC callers (direct, and through the real HTTP handler
// for the error shape the dashboard receives) and plan definitions.
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { beforeAll, expect } from "vitest";
import superjson from "superjson";
import { appRouter, createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import type { TSession } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import type { TPlanDetail } from "@/server/plans/get-plan";
import type { TPlanDefinitionInput } from "@/shared/plan-config";
import { createTestAdmin, uniqueSuffix } from "../../support/fixtures";

export function callerFor(db: TDb, session: TSession | null) {
  return createCaller(createTRPCContext({ db, session, headers: new Headers() }));
}

export type THttpError = {
  message: string;
  data: {
    code: string;
    httpStatus: number;
    zodError: { formErrors: string[]; fieldErrors: Record<string, string[]> } | null;
    appError: ({ code: string } & Record<string, unknown>) | null;
  };
};

/** A call through tRPC's fetch handler: the status and error body an HTTP client sees. */
export async function httpCall(db: TDb, session: TSession | null, path: string, input: unknown, method: "GET" | "POST" = "POST") {
  const encoded = encodeURIComponent(JSON.stringify(superjson.serialize(input)));
  const url = method === "GET" ? `http://test/api/trpc/${path}?input=${encoded}` : `http://test/api/trpc/${path}`;
  const request = new Request(url, {
    method,
    headers: { "content-type": "application/json" },
    body: method === "POST" ? JSON.stringify(superjson.serialize(input)) : undefined,
  });
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => createTRPCContext({ db, session, headers: request.headers }),
  });
  const body = (await response.json()) as { error?: { json: THttpError }; result?: { data: { json: unknown } } };
  return { status: response.status, error: body.error?.json, data: body.result?.data.json };
}

export function uniquePlanKey(prefix = "team"): string {
  return `${prefix}-${uniqueSuffix()}`;
}

export function teamPlan(key: string, patch: Partial<TPlanDefinitionInput> = {}): TPlanDefinitionInput {
  return {
    key,
    name: `Team ${key}`,
    description: "For teams",
    sortOrder: 5,
    limits: { messagesPerMonth: 2_000, tokensPerMonth: null, requestsPerMinute: 60 },
    features: { llmProvider: "anthropic", llmModel: "claude-sonnet-5-5", toolsEnabled: true },
    pricing: {
      baseCost: "49.00",
      currency: "USD",
      prorationMode: "daily",
      metrics: { messages: { unitPrice: "0.002", includedUnits: 1_000 } },
    },
    alertThresholds: [80, 100],
    upgradeUrl: "https://meterline.local/pricing",
    ...patch,
  };
}

/** The editable definition of a stored plan, without its key (what `update` takes). */
export function definitionOf(plan: TPlanDetail): Omit<TPlanDefinitionInput, "key"> {
  return {
    name: plan.name,
    description: plan.description ?? undefined,
    sortOrder: plan.sortOrder,
    limits: plan.limits,
    features: plan.features,
    pricing: plan.pricing,
    alertThresholds: plan.alertThresholds,
    upgradeMessage: plan.upgradeMessage,
    upgradeUrl: plan.upgradeUrl ?? undefined,
    // An update replaces the whole plan: left out, the LLM cost settings would go back to their defaults.
    optimization: plan.optimization,
  };
}

/** A signed-in admin and viewer for a suite, and tRPC callers acting as them. */
export function useAdminAndViewer(testDb: () => { db: TDb }) {
  let admin: TSession;
  let viewer: TSession;
  beforeAll(async () => {
    const { db } = testDb();
    admin = { user: await createTestAdmin(db, "admin") };
    viewer = { user: await createTestAdmin(db, "viewer") };
  });
  return {
    sessions: () => ({ admin, viewer }),
    asAdmin: () => callerFor(testDb().db, admin),
    asViewer: () => callerFor(testDb().db, viewer),
  };
}

/** The TRPCError a call was refused with (fails the test if it succeeded). */
export async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}
