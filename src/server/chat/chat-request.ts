// The public chat contract's request body (POST /api/chat, tRPC chat.send).
import { z } from "zod";
import { UNSTORABLE_TEXT_MESSAGE, findUnstorableText, isStorableText } from "@/server/errors/storable-text";

export const MAX_MESSAGE_CHARS = 8_000;

/** Deepest nesting of `metadata` (objects and arrays); deeper is refused before anything recurses. */
export const MAX_METADATA_DEPTH = 8;

/** Walks metadata without recursion: its depth, and every key and string storable. */
function metadataIssue(value: unknown): string | null {
  return findUnstorableText(value, MAX_METADATA_DEPTH)?.message ?? null;
}

export const ZChatRequest = z.strictObject({
  message: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(MAX_MESSAGE_CHARS, `must be at most ${MAX_MESSAGE_CHARS} characters`)
    .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE),
  conversationId: z.uuid("must be a conversation id returned by an earlier reply").optional(),
  stream: z.boolean().optional().default(false),
  idempotencyKey: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
    .optional(),
  metadata: z
    .record(z.string().max(100), z.unknown())
    .check((ctx) => {
      const issue = metadataIssue(ctx.value);
      if (issue) ctx.issues.push({ code: "custom", message: issue, input: ctx.value });
      else if (JSON.stringify(ctx.value).length > 4_000) ctx.issues.push({ code: "custom", message: "must be at most 4,000 characters as JSON", input: ctx.value });
    })
    .optional(),
});
export type TChatRequest = z.infer<typeof ZChatRequest>;

export const ZChatUsage = z.object({
  inputTokens: z.number().int(),
  cachedInputTokens: z.number().int(),
  outputTokens: z.number().int(),
  toolCalls: z.number().int(),
  /** USD, unrounded decimal string. */
  costUsd: z.string(),
  estimated: z.boolean(),
});

export const ZChatReply = z.object({
  conversationId: z.string(),
  messageId: z.string(),
  reply: z.string(),
  provider: z.string(),
  model: z.string(),
  usage: ZChatUsage,
  /** True when this is the stored answer to an earlier request with the same idempotency key. */
  replayed: z.boolean(),
});
export type TChatReply = z.infer<typeof ZChatReply>;
