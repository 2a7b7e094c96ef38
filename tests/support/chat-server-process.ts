// A chat app process (tests/support/chat-server.ts) on a PostgreSQL database, for tests
// that need several app instances, or one to kill. Its own process group: kill it whole
// with process.kill(-child.pid, signal).
import { spawn, type ChildProcess } from "node:child_process";
import type { TLlmServers } from "./llm-servers";

export function spawnChatServer(options: { databaseUrl: string; servers: TLlmServers; poolSize?: number }): Promise<{ port: number; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "tests/support/chat-server.ts", "0"], {
      env: {
        ...process.env,
        DATABASE_URL: options.databaseUrl,
        OLLAMA_BASE_URL: options.servers.ollama.url,
        ANTHROPIC_BASE_URL: options.servers.anthropic.url,
        OPENAI_BASE_URL: options.servers.openai.url,
        LLM_API_KEY: options.servers.apiKey,
        POOL_SIZE: String(options.poolSize ?? 20),
      },
      stdio: ["ignore", "pipe", "inherit"],
      detached: true,
    });
    child.stdout!.on("data", (data: Buffer) => {
      const match = /listening (\d+)/.exec(data.toString());
      if (match) resolve({ port: Number(match[1]), child });
    });
    child.on("exit", (code, signal) => reject(new Error(`chat server exited with ${code ?? signal}`)));
  });
}

/** POSTs one chat message to an app process and reads the reply to its end; its status. */
export async function postChatTo(port: number, secretKey: string, message: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secretKey}` },
    body: JSON.stringify({ message }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Ends app processes started by spawnChatServer, each with its whole process group. */
export function stopChatServers(children: ChildProcess[]): void {
  for (const child of children) {
    if (child.pid) process.kill(-child.pid, "SIGTERM");
  }
}
