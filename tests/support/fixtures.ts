// Fixtures seed through the same tables the app uses; every call makes unique rows so
// tests sharing a database never see each other's data.
import { randomBytes } from "node:crypto";
import type { TDbClient } from "@/server/db/client";
import { hashPassword } from "@/server/auth/password";
import type { TSessionUser } from "@/server/auth/session";

export function uniqueSuffix(): string {
  return randomBytes(4).toString("hex");
}

export async function createTestPlan(
  db: TDbClient,
  overrides: { key?: string; limits?: Record<string, number | null> } = {},
): Promise<{ key: string }> {
  const key = overrides.key ?? `plan_${uniqueSuffix()}`;
  await db.planConfig.create({
    data: {
      key,
      name: `Plan ${key}`,
      limits: overrides.limits ?? { messagesPerMonth: 1000, conversationsPerMonth: null },
      features: { llmProvider: "ollama", llmModel: "llama3.2" },
      pricing: { baseCost: "29.00", currency: "USD", usageMultiplier: "1", prorationMode: "daily", metrics: {} },
    },
  });
  return { key };
}

export async function createTestClient(
  db: TDbClient,
  overrides: { planKey?: string; name?: string; status?: "active" | "suspended" | "cancelled"; allowedOrigins?: string[] } = {},
): Promise<{ id: string; slug: string; planKey: string }> {
  const planKey = overrides.planKey ?? (await createTestPlan(db)).key;
  const suffix = uniqueSuffix();
  return db.client.create({
    data: {
      slug: `client-${suffix}`,
      name: overrides.name ?? `Client ${suffix}`,
      planKey,
      billingEmail: `billing-${suffix}@example.com`,
      status: overrides.status ?? "active",
      allowedOrigins: overrides.allowedOrigins ?? [],
    },
    select: { id: true, slug: true, planKey: true },
  });
}

export async function createTestAdmin(
  db: TDbClient,
  role: "admin" | "viewer",
  password = "correct horse battery",
): Promise<TSessionUser & { password: string }> {
  const email = `${role}-${uniqueSuffix()}@example.com`;
  const user = await db.adminUser.create({
    data: { email, name: `Test ${role}`, role, passwordHash: await hashPassword(password) },
    select: { id: true, email: true, name: true, role: true },
  });
  return { ...user, password };
}
