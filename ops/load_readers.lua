-- wrk script for `make load` (ops/load.py): every request is a random URL from the file named
-- after `--`, and the answers are counted by status so server errors are told apart from
-- redirects and not-founds. done() prints three lines that ops/load.py reads:
--   STATUS 200=1234 304=5 ...
--   LATENCY p50=<us> p99=<us> max=<us>
--   SUMMARY requests=N duration_us=N connect=N read=N write=N timeout=N

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  statuses = {}
  math.randomseed(os.time() + #threads)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses")) do
      totals[code] = (totals[code] or 0) + count
    end
  end
  io.write("STATUS")
  for code, count in pairs(totals) do
    io.write(" ", code, "=", count)
  end
  io.write("\n")
  io.write(string.format("LATENCY p50=%d p99=%d max=%d\n",
    latency:percentile(50), latency:percentile(99), latency.max))
  io.write(string.format("SUMMARY requests=%d duration_us=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
