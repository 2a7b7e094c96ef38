// Zod issues as people read them: each prefixed by the path of the field it is about.
import { z } from "zod";

/** One "path: message" line per issue, e.g. "limits.messagesPerMonth: must be 0 or more". */
export function describePlanIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join(".") || "(plan)"}: ${issue.message}`);
}

/**
 * `schema`, with each issue's message prefixed by its path inside it:
 * "limits.messagesPerMonth: must be 0 or more". tRPC flattens input errors to the
 * top-level field (error.data.zodError.fieldErrors.plan), which would otherwise
 * lose which limit or tier was wrong. Issue paths stay as they are.
 */
export function withPathsInMessages<T extends z.ZodType>(schema: T): z.ZodType<z.output<T>, z.input<T>> {
  const prefixed = z.unknown().transform((value, ctx) => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join(".");
      ctx.addIssue({ code: "custom", path: issue.path, message: path ? `${path}: ${issue.message}` : issue.message, input: value });
    }
    return z.NEVER;
  });
  // The transform parses exactly like `schema`; the cast restores its input type for tRPC's callers.
  return prefixed as unknown as z.ZodType<z.output<T>, z.input<T>>;
}
