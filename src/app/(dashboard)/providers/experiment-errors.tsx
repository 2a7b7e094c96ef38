// The server's refusal of an experiments action in words, field by field: the domain's
// issues ("variants.1.model: openai · gpt-x has no price in effect") or zod's (tRPC's
// input check, whose message is the issues as JSON), else its one message.

type TIssue = { field: string; message: string };
export type TExperimentError = {
  message: string;
  data?: { zodError?: unknown; appError?: { issues?: TIssue[] } | null } | null;
} | null;

/** "variants.1.model" -> "Variant 2 model". */
export function describeField(field: string): string {
  const variant = /^variants\.(\d+)\.?(.*)$/.exec(field);
  if (variant) return `Variant ${Number(variant[1]) + 1}${variant[2] ? ` ${variant[2]}` : ""}`;
  if (field === "variantKey") return "Variant";
  return field.charAt(0).toUpperCase() + field.slice(1);
}

function zodIssues(error: NonNullable<TExperimentError>): TIssue[] {
  if (!error.data?.zodError) return [];
  try {
    const parsed: unknown = JSON.parse(error.message);
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((issue: { path?: unknown; message?: unknown }) =>
      Array.isArray(issue.path) && typeof issue.message === "string" ? [{ field: issue.path.join("."), message: issue.message }] : [],
    );
  } catch {
    return [];
  }
}

export function experimentErrorMessages(error: TExperimentError): string[] {
  if (!error) return [];
  const issues = [...(error.data?.appError?.issues ?? []), ...zodIssues(error)];
  return issues.length > 0 ? issues.map((issue) => `${describeField(issue.field)}: ${issue.message}`) : [error.message];
}
