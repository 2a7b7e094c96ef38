// The ceiling: a bare node:http server that reads the request body and answers the
// same JSON the chat route answers (BENCH_REPLY), nothing else. Prints "listening <port>".
import http from "node:http";

const reply = process.env.BENCH_REPLY ?? "{}";
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    res.writeHead(200, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "content-length": Buffer.byteLength(reply),
    });
    res.end(reply);
  });
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : 0}`);
});
process.once("SIGTERM", () => process.exit(0));
process.once("disconnect", () => process.exit(0));
