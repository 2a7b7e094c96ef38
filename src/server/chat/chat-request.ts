// The public chat contract's request body (POST /api/chat, tRPC chat.send).
import { z } from "zod";

export const MAX_MESSAGE_CHARS = 8_000;

export const ZChatRequest = z.strictObject({
  message: z.string().trim().min(1, "must not be empty").max(MAX_MESSAGE_CHARS, `must be at most ${MAX_MESSAGE_CHARS} characters`),
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
    .refine((value) => JSON.stringify(value).length <= 4_000, "must be at most 4,000 characters as JSON")
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
