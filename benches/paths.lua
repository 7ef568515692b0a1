-- wrk script: each request takes a random path from the file named by $PATHS (one per line), so
-- ids and search terms vary and caches do not flatter the numbers.
local paths = {}
local file = os.getenv("PATHS")
for line in io.lines(file) do
  if #line > 0 then paths[#paths + 1] = line end
end
math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)

counts = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = { ok = 0, bad = 0 }
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  if status >= 200 and status < 400 then counts.ok = counts.ok + 1 else counts.bad = counts.bad + 1 end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    ok = ok + c.ok
    bad = bad + c.bad
  end
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f ok=%d bad=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    ok, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
