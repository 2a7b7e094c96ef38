// Thumbs up or down on a reply, sent by the widget (POST /api/chat/feedback). A client rates
// only its own replies, once each: the unique index on the message decides a race, so two
// votes sent at once store one. The vote keeps the LLM call that wrote the reply, so
// experiments and provider analytics can read feedback per provider, model and variant.
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { UNSTORABLE_TEXT_MESSAGE, isStorableText } from "@/server/errors/storable-text";

export const MAX_FEEDBACK_COMMENT = 1000;

export const ZMessageFeedbackInput = z.strictObject({
  messageId: z.uuid("must be the messageId of a chat reply"),
  rating: z.enum(["up", "down"], { error: 'must be "up" or "down"' }),
  comment: z
    .string({ error: "must be a string" })
    .trim()
    .max(MAX_FEEDBACK_COMMENT, `must be at most ${MAX_FEEDBACK_COMMENT} characters`)
    .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE)
    .optional(),
});
export type TMessageFeedbackInput = z.output<typeof ZMessageFeedbackInput>;

export const ZMessageFeedback = z.object({
  id: z.string(),
  messageId: z.string(),
  rating: z.enum(["up", "down"]),
  createdAt: z.date(),
});
export type TMessageFeedback = z.infer<typeof ZMessageFeedback>;

export async function recordMessageFeedback(db: TDbClient, clientId: string, input: TMessageFeedbackInput, now: Date): Promise<TMessageFeedback> {
  // Scoped by client: another client's reply is "not found", never "not yours".
  const message = await db.message.findFirst({
    where: { id: input.messageId, clientId, role: "assistant" },
    select: { id: true, usageEventId: true },
  });
  if (!message) throw new AppError("NOT_FOUND", "No reply with this messageId for this API key's client.", { field: "messageId" });
  const [stored] = await db.messageFeedback.createManyAndReturn({
    data: [{ clientId, messageId: message.id, usageEventId: message.usageEventId, rating: input.rating, comment: input.comment || null, createdAt: now }],
    skipDuplicates: true,
    select: { id: true, messageId: true, rating: true, createdAt: true },
  });
  if (!stored) throw new AppError("FEEDBACK_ALREADY_GIVEN", "This reply has already been rated; feedback is given once per reply.", { messageId: message.id });
  return stored;
}
