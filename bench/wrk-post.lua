-- wrk script for bench/chat-route.ts: POSTs BENCH_BODY with the headers in BENCH_HEADERS
-- ("name: value" lines). With BENCH_KEYS_FILE (one API key a line), requests go round-robin
-- over the keys as "authorization: Bearer <key>". Prints one "BENCH_JSON {...}" line at the
-- end with the counts and the latency percentiles in microseconds.
local body = os.getenv("BENCH_BODY") or "{}"
-- BENCH_METHOD: OPTIONS measures a route's floor (no body, no database).
local method = os.getenv("BENCH_METHOD") or "POST"
local headers = { ["content-type"] = "application/json" }
for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.*)$")
  if name then headers[name] = value end
end

local keys = {}
local keysFile = os.getenv("BENCH_KEYS_FILE")
if keysFile and keysFile ~= "" then
  for line in io.lines(keysFile) do
    if line ~= "" then keys[#keys + 1] = line end
  end
end

local counter = 0
local fixed = nil

function init(args)
  if method ~= "POST" then fixed = wrk.format(method, nil, {}, nil) end
  if #keys == 0 and not fixed then fixed = wrk.format("POST", nil, headers, body) end
  -- each thread starts at another key
  counter = math.random(0, math.max(#keys - 1, 0))
end

function request()
  if fixed then return fixed end
  counter = counter + 1
  headers["authorization"] = "Bearer " .. keys[(counter % #keys) + 1]
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f,"stdev_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean, latency.stdev))
end
