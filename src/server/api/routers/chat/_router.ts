import { apiKeyProcedure, createTRPCRouter } from "@/server/api/trpc";
import { ZChatReply, ZChatRequest } from "@/server/chat/chat-request";
import { sendChatMessage } from "@/server/chat/send-chat-message";
import { llmGatewayFromEnv } from "@/server/chat/llm-gateway-from-env";

// Typed callers (server to server) over the same domain function as POST /api/chat.
// Streaming is the HTTP route's: here `stream` is ignored and the whole reply returns.
export const chatRouter = createTRPCRouter({
  send: apiKeyProcedure
    .input(ZChatRequest)
    .output(ZChatReply)
    .mutation(({ ctx, input }) =>
      sendChatMessage(ctx.db, llmGatewayFromEnv(), { caller: { client: ctx.client }, request: { ...input, stream: false } }),
    ),
});
