import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type TDatabase } from "@/server/db/client";
import { startLlmServers, type TLlmServers } from "../../support/llm-servers";
import { chatHandlerFor, chatRequest, createChatClient } from "../../support/chat-fixtures";
import { createPostgresDatabase } from "../../support/test-database";

// On PostgreSQL the chat hot path's statements are prepared once per connection (named),
// so the server skips parsing and planning them on every request.
describe("the chat hot path's prepared statements [postgres]", () => {
  let servers: TLlmServers;
  let database: TDatabase;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    servers = await startLlmServers();
    const created = await createPostgresDatabase();
    drop = created.drop;
    // One connection: the statements prepared by the requests are visible to the check.
    database = await openDatabase({ kind: "postgres", url: created.url, migrate: true, poolSize: 1 });
  }, 120_000);

  afterAll(async () => {
    await database?.close();
    await drop?.();
    await servers?.close();
  });

  it("a chat request prepares its context, begin and settle statements under their names, and a second reuses them", async () => {
    const chat = await createChatClient(database.db, { limits: { messagesPerMonth: 100 } });
    const handler = chatHandlerFor(database.db, servers);
    for (const message of ["first", "second"]) {
      expect((await handler.POST(chatRequest(chat.secretKey, { message }))).status).toBe(200);
    }
    const rows = await database.db.$queryRawUnsafe<Array<{ name: string }>>(`SELECT name FROM pg_prepared_statements ORDER BY name`);
    expect(rows.map((r) => r.name)).toEqual(["meterline_chat_begin", "meterline_chat_context_by_key", "meterline_chat_settle"]);
    expect(await database.db.usageEvent.count({ where: { clientId: chat.clientId } })).toBe(2);
  });
});
