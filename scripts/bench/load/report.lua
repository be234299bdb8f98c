-- Shared by the load benchmark's wrk scripts: counts answers by class in every thread and prints one line of
-- figures at the end (requests/s, latency percentiles in ms, 5xx, other non-2xx/3xx, socket errors).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  s5xx, s4xx, s429, s304 = 0, 0, 0, 0
end

function response(status, headers, body)
  if status >= 500 then s5xx = s5xx + 1
  elseif status == 429 then s429 = s429 + 1
  elseif status >= 400 then s4xx = s4xx + 1
  elseif status == 304 then s304 = s304 + 1 end
end

function done(summary, latency, requests)
  local n5, n4, n429, n304 = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    n5 = n5 + (t:get("s5xx") or 0)
    n4 = n4 + (t:get("s4xx") or 0)
    n429 = n429 + (t:get("s429") or 0)
    n304 = n304 + (t:get("s304") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.1f s5xx=%d s4xx=%d s429=%d s304=%d connect_err=%d read_err=%d timeouts=%d bytes=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    n5, n4, n429, n304, e.connect, e.read, e.timeout, summary.bytes))
end
