// The provider SDKs' `fetch`, over node:http(s) with keep-alive agents instead of Node's
// global fetch (undici). Measured by bench/chat-floor.ts: a provider call costs the caller
// about 0.7 ms of CPU through global fetch and about 0.25 ms through node:http, and the
// chat route makes one per request. Only what the SDKs send is handled here (a string or
// byte body); anything else goes to the global fetch unchanged.
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 30_000 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 30_000 });

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

function headerRecord(headers: HeadersInit | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  new Headers(headers).forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

function bodyBytes(body: BodyInit | null | undefined): string | Uint8Array | null | undefined {
  if (body === null || body === undefined) return null;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return undefined; // a stream, a form, a blob: not ours to handle
}

export const keepAliveFetch: typeof fetch = async (input, init) => {
  const body = bodyBytes(init?.body);
  if (input instanceof Request || body === undefined) return fetch(input, init);
  const url = new URL(String(input));
  if (url.protocol !== "http:" && url.protocol !== "https:") return fetch(input, init);
  const signal = init?.signal ?? null;
  if (signal?.aborted) throw abortError(signal);

  return send(url, init, body, signal, true);
};

/**
 * A server may close an idle keep-alive connection just as we reuse it: the request then
 * fails with ECONNRESET (or EPIPE) at once, before any byte of a response, and the server
 * never processed it, so it is sent once more on a new connection, as Node's
 * documentation advises (http: request.reusedSocket). Only then: a reset that comes later
 * than STALE_RESET_WINDOW_MS after the request was sent may be a server (or a proxy)
 * dropping a call it was answering (an LLM generates for seconds before its headers), and
 * sending that again could have the provider bill twice; a failure on a fresh connection,
 * or after a response began, is the caller's to see too. Every resend is logged.
 */
const STALE_RESET_WINDOW_MS = 250;

function isStaleSocket(request: http.ClientRequest, error: NodeJS.ErrnoException, sentAt: number | null): boolean {
  const soon = sentAt === null || performance.now() - sentAt <= STALE_RESET_WINDOW_MS;
  return request.reusedSocket && soon && (error.code === "ECONNRESET" || error.code === "EPIPE");
}

function send(url: URL, init: RequestInit | undefined, body: string | Uint8Array | null, signal: AbortSignal | null, retryStale: boolean): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const transport = url.protocol === "https:" ? https : http;
    const request = transport.request(url, {
      method: init?.method ?? "GET",
      headers: headerRecord(init?.headers),
      agent: url.protocol === "https:" ? httpsAgent : httpAgent,
    });
    const onAbort = () => request.destroy(abortError(signal!) as Error);
    signal?.addEventListener("abort", onAbort, { once: true });
    let responded = false;
    let sentAt: number | null = null;
    request.on("finish", () => {
      sentAt = performance.now();
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener("abort", onAbort);
      if (retryStale && !responded && !signal?.aborted && isStaleSocket(request, error, sentAt)) {
        console.warn(`${init?.method ?? "GET"} ${url.origin}${url.pathname}: a reused keep-alive connection was reset before any response (${error.code}); sending once more on a new connection`);
        send(url, init, body, signal, false).then(resolve, reject);
        return;
      }
      // What fetch throws: an AbortError as is, anything else as "fetch failed" with the cause.
      reject(signal?.aborted ? abortError(signal) : new TypeError("fetch failed", { cause: error }));
    });
    request.on("response", (response) => {
      responded = true;
      response.on("close", () => signal?.removeEventListener("abort", onAbort));
      const headers = new Headers();
      for (let i = 0; i < response.rawHeaders.length; i += 2) headers.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
      const status = response.statusCode ?? 0;
      const empty = status === 204 || status === 304 || init?.method === "HEAD";
      if (empty) response.resume();
      resolve(
        new Response(empty ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>), {
          status,
          statusText: response.statusMessage,
          headers,
        }),
      );
    });
    request.end(body ?? undefined);
  });
}
