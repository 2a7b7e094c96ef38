// POST /api/chat/feedback: the widget's thumbs up or down on a reply. The same key rules as
// POST /api/chat (withApiKey: preflight, body, key format, origin, CORS; the key's row and
// client checked here), bound to the key's own client's replies, once per reply.
import type { TDb } from "@/server/db/client";
import { clockNow } from "@/server/clock";
import { authenticateKeyHash } from "@/server/clients/api-keys";
import { ZMessageFeedbackInput, recordMessageFeedback } from "@/server/chat/message-feedback";
import { jsonResponse } from "./error-response";
import { withApiKey } from "./with-api-key";

/** A vote is a few hundred bytes; a comment is capped at 1,000 characters. */
export const MAX_FEEDBACK_BODY_BYTES = 8 * 1024;

export function createChatFeedbackHandler(deps: { getDb: () => Promise<TDb>; now?: () => Date }) {
  return withApiKey(
    {
      getDb: deps.getDb,
      body: ZMessageFeedbackInput,
      maxBodyBytes: MAX_FEEDBACK_BODY_BYTES,
      unexpected: { what: "chat feedback", message: "Internal error; the feedback was not stored. Try again." },
    },
    async ({ db, caller, body, cors }) => {
      const now = deps.now?.() ?? clockNow();
      const client = await authenticateKeyHash(db, caller, now);
      const feedback = await recordMessageFeedback(db, client.id, body, now);
      return jsonResponse(201, feedback, cors);
    },
  );
}
