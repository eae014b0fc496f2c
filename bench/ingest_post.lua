-- wrk script for bench_ingest.py: POST realistic tracker batches (a page view and a click)
-- to /api/v1/events, spread over the attempts listed in BENCH_TOKENS (one token a line).
-- Event ids are unique per run (BENCH_RUN), thread and request, so every batch is new.
-- done() prints one "BENCH {json}" line with the figures bench_ingest.py reads.

local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local run = os.getenv("BENCH_RUN") or "0"
local origin = os.getenv("BENCH_ORIGIN") or "https://shop.example.com"
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local counter = 0

function request()
  counter = counter + 1
  local token = tokens[((counter * 7919 + tid * 104729) % #tokens) + 1]
  local id = run .. "-" .. tid .. "-" .. counter
  local t = 1000 + counter
  local body = '{"token":"' .. token .. '","sent":' .. (t + 5) .. ',"events":['
    .. '{"id":"' .. id .. 'p","type":"pageview","t":' .. t
    .. ',"url":"' .. origin .. '/products/' .. (counter % 50) .. '?ref=newsletter&utm_source=mail"},'
    .. '{"id":"' .. id .. 'c","type":"click","t":' .. (t + 1)
    .. ',"selectors":["#product-' .. (counter % 50) .. '","main .grid a.card","a"],"tag":"A","text":"Details"}]}'
  return wrk.format("POST", "/api/v1/events", {["Content-Type"] = "text/plain", ["Origin"] = origin}, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,'
      .. '"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
