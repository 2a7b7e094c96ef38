// A standalone app process serving POST /api/chat with the app's own handler, for tests
// and benchmarks that need several instances on one PostgreSQL.
//   DATABASE_URL=... OLLAMA_BASE_URL=... ANTHROPIC_BASE_URL=... OPENAI_BASE_URL=... LLM_API_KEY=... \
//   npx tsx tests/support/chat-server.ts [port]
// Prints "listening <port>" once ready.
import http from "node:http";
import { Readable } from "node:stream";
import { createChatHandler } from "@/server/http/chat-http";
import { createLlmGateway } from "@/server/chat/send-chat-message";
import { openDatabase } from "@/server/db/client";

export async function serveChat(options: {
  databaseUrl: string;
  llm: { ollamaBaseUrl: string; anthropicBaseUrl: string; openaiBaseUrl: string; apiKey: string };
  port?: number;
  poolSize?: number;
}) {
  const database = await openDatabase({ kind: "postgres", url: options.databaseUrl, poolSize: options.poolSize ?? 10 });
  const handler = createChatHandler({
    getDb: async () => database.db,
    gateway: createLlmGateway({
      ollamaBaseUrl: options.llm.ollamaBaseUrl,
      anthropicBaseUrl: options.llm.anthropicBaseUrl,
      anthropicApiKey: options.llm.apiKey,
      openaiBaseUrl: options.llm.openaiBaseUrl,
      openaiApiKey: options.llm.apiKey,
      timeoutMs: 10_000,
    }),
  });
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const abort = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    const request = new Request(`http://localhost${req.url ?? "/"}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])),
      body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
      signal: abort.signal,
    });
    const response = req.method === "OPTIONS" ? await handler.OPTIONS(request) : await handler.POST(request);
    res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
    if (response.body) Readable.fromWeb(response.body as never).pipe(res);
    else res.end();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  const required = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  serveChat({
    databaseUrl: required("DATABASE_URL"),
    llm: {
      ollamaBaseUrl: required("OLLAMA_BASE_URL"),
      anthropicBaseUrl: required("ANTHROPIC_BASE_URL"),
      openaiBaseUrl: required("OPENAI_BASE_URL"),
      apiKey: required("LLM_API_KEY"),
    },
    port: Number(process.argv[2] ?? 0),
    poolSize: Number(process.env.POOL_SIZE ?? 10),
  }).then(({ port }) => console.log(`listening ${port}`));
}
