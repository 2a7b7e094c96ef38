import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { keepAliveFetch } from "./keep-alive-fetch";

type TServer = { url: string; received: number; close(): Promise<void> };

/**
 * A server that answers "ok", except that `drop(n, perSocket)` resets the n-th request
 * (overall, and of its connection), after `dropAfterMs` (0: at once, like a server closing
 * an idle connection; more: like a proxy dropping a call being answered).
 */
async function startServer(drop: (overall: number, onSocket: number) => boolean, dropAfterMs = 0): Promise<TServer> {
  let received = 0;
  const perSocket = new WeakMap<object, number>();
  const server = http.createServer((req, res) => {
    received += 1;
    const onSocket = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, onSocket);
    req.resume();
    req.on("end", () => {
      if (drop(received, onSocket)) setTimeout(() => req.socket.destroy(), dropAfterMs);
      else res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/chat`,
    get received() {
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let server: TServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const post = (url: string) => keepAliveFetch(url, { method: "POST", body: '{"q":1}', headers: { "content-type": "application/json" } });

describe("the keep-alive fetch", () => {
  it("sends a request again on a new connection when a reused one is reset before any response", async () => {
    // The second request on a connection is dropped, as by a server closing an idle keep-alive socket.
    server = await startServer((_, onSocket) => onSocket === 2);
    expect(await (await post(server.url)).text()).toBe("ok");
    const second = await post(server.url);
    expect(await second.text()).toBe("ok");
    expect(server.received).toBe(3);
  });

  it("does not send again when a reused connection is reset while the server was answering: that call may be billed", async () => {
    server = await startServer((_, onSocket) => onSocket === 2, 600);
    expect(await (await post(server.url)).text()).toBe("ok");
    await expect(post(server.url)).rejects.toThrow(/fetch failed/);
    expect(server.received).toBe(2);
  });

  it("does not send again when a fresh connection is reset: the caller sees the failure", async () => {
    server = await startServer((overall) => overall === 1);
    await expect(post(server.url)).rejects.toThrow(/fetch failed/);
    expect(server.received).toBe(1);
  });
});
