// Input parsing for domain functions called from outside tRPC (route handlers, scripts,
// other domains): the zod schema's issues become one BAD_REQUEST AppError naming each field.
import type { z } from "zod";
import { AppError } from "./app-error";

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message }));
  throw new AppError("BAD_REQUEST", `Invalid input: ${issues.map((i) => `${i.field} ${i.message}`).join("; ")}`, { issues });
}
