// Reading a request body at the edge: its size is checked before anything parses it.
import type { z } from "zod";
import { AppError } from "@/server/errors/app-error";

/** The body as text, refused (413) when it is larger than `maxBytes`, declared or actual. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new AppError("PAYLOAD_TOO_LARGE", `Body is larger than ${maxBytes} bytes.`, { maxBytes });
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw new AppError("PAYLOAD_TOO_LARGE", `Body is larger than ${maxBytes} bytes.`, { maxBytes });
  return text;
}

/** A JSON body checked against `schema`: 413 when too large, 400 naming each field that is wrong. */
export async function readJsonBody<TSchema extends z.ZodType>(request: Request, schema: TSchema, maxBytes: number): Promise<z.output<TSchema>> {
  const text = await readBodyText(request, maxBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "Body must be a JSON object.");
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: issue.path.join(".") || (issue.code === "unrecognized_keys" ? issue.keys.join(",") : "(body)"),
    message: issue.message,
  }));
  throw new AppError("BAD_REQUEST", `Invalid request body: ${issues.map((i) => `${i.field} ${i.message}`).join("; ")}`, { issues });
}
