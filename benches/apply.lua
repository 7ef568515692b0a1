-- wrk script: multipart applications with a ~200 KB PDF to random jobs from $PATHS (apply URLs),
-- each with a unique email, counting acknowledged (201) applications.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local boundary = "----careersbench7d1f"
local pdf = "%PDF-1.4\n%\226\227\207\211\n1 0 obj << /Type /Catalog >> endobj\n" ..
  string.rep("0123456789abcdef", 12800) .. "\n%%EOF\n"
local counter = 0
local threads = {}
local id = 0

function setup(thread)
  id = id + 1
  thread:set("tid", id)
  table.insert(threads, thread)
end

function init(args)
  acked = 0
  bad = 0
  math.randomseed(os.time() * 1000 + tid)
end

local function part(name, value)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"\r\n\r\n" .. value .. "\r\n"
end

function request()
  counter = counter + 1
  local email = string.format("bench-%d-%d-%d@example.com", tid, counter, math.random(1e9))
  local body = part("first_name", "Bench") .. part("last_name", "Runner") .. part("email", email) ..
    part("consent", "true") ..
    "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"resume\"; filename=\"cv.pdf\"\r\n" ..
    "Content-Type: application/pdf\r\n\r\n" .. pdf .. "\r\n--" .. boundary .. "--\r\n"
  return wrk.format("POST", paths[math.random(#paths)],
    { ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }, body)
end

function response(status, headers, body)
  if status == 201 then acked = acked + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("acked")
    b = b + t:get("bad")
  end
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f ok=%d bad=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    a, b,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
