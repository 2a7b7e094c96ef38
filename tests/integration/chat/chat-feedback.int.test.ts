// POST /api/chat/feedback: a client rates its own replies, once each, with the key rules of
// POST /api/chat. Bad bodies are 400, another client's reply is 404, a second vote is 409,
// and nothing is written by a refused request.
import { expect, it } from "vitest";
import { chatHandlerFor, chatRequest, createChatClient, WIDGET_ORIGIN } from "../../support/chat-fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { fakeProvidersForFile } from "../../support/fake-providers";
import { createChatFeedbackHandler } from "@/server/http/chat-feedback-http";
import type { TDb } from "@/server/db/client";

const servers = fakeProvidersForFile();

function feedbackRequest(key: string | null, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request("http://meterline.test/api/chat/feedback", {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** A chat client with one answered question: its keys and the reply's and question's message ids. */
async function answeredChat(db: TDb) {
  const chat = await createChatClient(db);
  const response = await chatHandlerFor(db, servers).POST(chatRequest(chat.secretKey, { message: "Where is my parcel?" }));
  expect(response.status).toBe(200);
  const reply = (await response.json()) as { messageId: string; conversationId: string };
  const question = await db.message.findFirstOrThrow({ where: { conversationId: reply.conversationId, role: "user" }, select: { id: true } });
  return { ...chat, replyId: reply.messageId, questionId: question.id };
}

describeEachDatabase("chat feedback", (testDb) => {
  const handler = () => createChatFeedbackHandler({ getDb: async () => testDb().db });

  it("a thumbs up on the client's own reply is stored once, with the LLM call that wrote the reply; a second vote is 409", async () => {
    const { db } = testDb();
    const chat = await answeredChat(db);
    const response = await handler().POST(feedbackRequest(chat.secretKey, { messageId: chat.replyId, rating: "up", comment: "  Quick and right  " }));
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ messageId: chat.replyId, rating: "up" });
    const event = await db.usageEvent.findFirstOrThrow({ where: { clientId: chat.clientId }, select: { id: true } });
    expect(await db.messageFeedback.findMany({ where: { clientId: chat.clientId }, select: { messageId: true, rating: true, comment: true, usageEventId: true } })).toEqual([
      { messageId: chat.replyId, rating: "up", comment: "Quick and right", usageEventId: event.id },
    ]);

    const again = await handler().POST(feedbackRequest(chat.secretKey, { messageId: chat.replyId, rating: "down" }));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "FEEDBACK_ALREADY_GIVEN", error: expect.stringMatching(/once per reply/) });
    expect(await db.messageFeedback.count({ where: { messageId: chat.replyId } })).toBe(1);
  });

  it("ten votes on one reply sent at once: one is stored (201), nine are 409", async () => {
    const { db } = testDb();
    const chat = await answeredChat(db);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => handler().POST(feedbackRequest(chat.secretKey, { messageId: chat.replyId, rating: i % 2 ? "up" : "down" }))),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, ...Array.from({ length: 9 }, () => 409)]);
    expect(await db.messageFeedback.count({ where: { messageId: chat.replyId } })).toBe(1);
  });

  it("another client's reply, an unknown id and a question (not a reply) are 404, without saying whose they are", async () => {
    const { db } = testDb();
    const mine = await answeredChat(db);
    const theirs = await answeredChat(db);
    for (const messageId of [theirs.replyId, "00000000-0000-4000-8000-000000000000", mine.questionId]) {
      const response = await handler().POST(feedbackRequest(mine.secretKey, { messageId, rating: "down" }));
      expect(response.status, messageId).toBe(404);
      const body = (await response.json()) as { code: string; error: string };
      expect(body.code).toBe("NOT_FOUND");
      expect(body.error).not.toMatch(/prisma|select|sql|stack/i);
    }
    expect(await db.messageFeedback.count({ where: { clientId: { in: [mine.clientId, theirs.clientId] } } })).toBe(0);
  });

  it("bad bodies are 400 naming the field, and nothing is written", async () => {
    const { db } = testDb();
    const chat = await answeredChat(db);
    const cases: Array<[string, string]> = [
      [JSON.stringify({ rating: "up" }), "messageId"],
      [JSON.stringify({ messageId: "not-a-uuid", rating: "up" }), "messageId"],
      [JSON.stringify({ messageId: chat.replyId }), "rating"],
      [JSON.stringify({ messageId: chat.replyId, rating: "meh" }), "rating"],
      [JSON.stringify({ messageId: chat.replyId, rating: "up", comment: "x".repeat(1001) }), "comment"],
      [`{"messageId": "${chat.replyId}", "rating": "up", "comment": "bad\\u0000byte"}`, "comment"],
      [JSON.stringify({ messageId: chat.replyId, rating: "up", stars: 5 }), ""],
    ];
    for (const [body, field] of cases) {
      const response = await handler().POST(feedbackRequest(chat.secretKey, body));
      expect(response.status, body.slice(0, 80)).toBe(400);
      const error = (await response.json()) as { issues?: Array<{ field: string }> };
      if (field) expect(error.issues?.map((issue) => issue.field), body.slice(0, 80)).toContain(field);
    }
    for (const body of ["{not json", "[]", "null"]) {
      expect((await handler().POST(feedbackRequest(chat.secretKey, body))).status, body).toBe(400);
    }
    expect((await handler().POST(feedbackRequest(chat.secretKey, JSON.stringify({ messageId: chat.replyId, rating: "up", comment: "y".repeat(20_000) })))).status).toBe(413);
    expect(await db.messageFeedback.count({ where: { clientId: chat.clientId } })).toBe(0);
  });

  it("the key rules of /api/chat: no key 401, a revoked key 401, a browser from another origin 403; the widget's origin and key work", async () => {
    const { db } = testDb();
    const chat = await answeredChat(db);
    const body = { messageId: chat.replyId, rating: "up" };
    expect((await handler().POST(feedbackRequest(null, body))).status).toBe(401);
    expect((await handler().POST(feedbackRequest(chat.publishableKey, body, { origin: "https://evil.example" }))).status).toBe(403);
    const other = await createChatClient(db);
    await db.apiKey.updateMany({ where: { clientId: other.clientId }, data: { revokedAt: new Date() } });
    const revoked = await handler().POST(feedbackRequest(other.secretKey, body));
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ code: "KEY_REVOKED" });
    expect(await db.messageFeedback.count({ where: { clientId: chat.clientId } })).toBe(0);

    const fromWidget = await handler().POST(feedbackRequest(chat.publishableKey, body, { origin: WIDGET_ORIGIN }));
    expect(fromWidget.status).toBe(201);
    expect(fromWidget.headers.get("access-control-allow-origin")).toBe(WIDGET_ORIGIN);
  });
});
