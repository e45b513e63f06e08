-- wrk script of benchmarks/bench_web.py: requests random paths from a file (one per
-- line) with the session cookie (and an Authorization header for the API, when given),
-- and prints the numbers as one JSON line at the end.
--   wrk -s bench_wrk.lua ... http://127.0.0.1:8117 -- <paths file> <cookie header> [<authorization>]
local paths = {}
local cookie = ""
local authorization = ""

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  file:close()
  cookie = args[2] or ""
  authorization = args[3] or ""
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local headers = {}
  if #cookie > 0 then headers["Cookie"] = cookie end
  if #authorization > 0 then headers["Authorization"] = authorization end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.2f, "p90_ms": %.2f, ' ..
    '"p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "errors": %d, "non_2xx": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
