// PostgreSQL may abort a statement that lost a deadlock (40P01) or a serialization
// conflict (40001); repeating it is the documented remedy. Metering must not lose a call
// that the provider already answered, so the usage statements retry these, and only these.
const TRANSIENT_SQLSTATES = new Set(["40P01", "40001"]);
const TRANSIENT_MESSAGE = /deadlock detected|could not serialize access/i;

export function isTransientDatabaseError(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): boolean => {
    if (!value || typeof value !== "object" || depth > 6 || seen.has(value)) return false;
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (typeof record.code === "string" && TRANSIENT_SQLSTATES.has(record.code)) return true;
    if (typeof record.message === "string" && TRANSIENT_MESSAGE.test(record.message)) return true;
    // Prisma wraps the driver's error: meta.driverAdapterError.cause, error.cause, ...
    return Object.values(record).some((child) => visit(child, depth + 1)) || visit(record.cause, depth + 1);
  };
  return visit(error, 0);
}

export async function retryTransient<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isTransientDatabaseError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
