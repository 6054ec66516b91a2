-- wrk script for scripts/bench_ingest.py: POSTs every line of $BENCH_BODIES exactly once.
-- Of $BENCH_THREADS threads, thread k sends lines k, k+T, k+2T...; once they are all sent
-- its connections go idle, and once all its responses are in it stops and prints
-- "thread-done" (the caller then ends wrk with SIGINT instead of waiting for -d).
-- done() prints "BENCH <key> <values>" lines: statuses, a sample body per non-2xx status,
-- the time from the first request sent to the last response received, latency percentiles.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *ts);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1e6 + tonumber(clock.tv_nsec) / 1e3
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  local count = tonumber(os.getenv("BENCH_THREADS"))
  requests, sent, received, statuses, samples = {}, 0, 0, {}, {}
  local line_number = 0
  for line in io.lines(os.getenv("BENCH_BODIES")) do
    if line_number % count == id - 1 then
      requests[#requests + 1] = wrk.format("POST", nil, nil, line)
    end
    line_number = line_number + 1
  end
  -- Before the run, wrk calls request() once on the first thread only to check the
  -- request it builds; that one is never sent, so it must not use up a body.
  validating = (id == 1)
end

function request()
  if validating then
    validating = false
    return wrk.format()
  end
  if sent == #requests then
    return "" -- nothing left: an empty write leaves this connection idle
  end
  sent = sent + 1
  if sent == 1 then first_us = now_us() end
  return requests[sent]
end

function response(status, headers, body)
  received = received + 1
  last_us = now_us()
  statuses[status] = (statuses[status] or 0) + 1
  if (status < 200 or status > 299) and not samples[status] then
    samples[status] = body:sub(1, 500):gsub("%s+", " ")
  end
  if received == #requests then
    io.write("thread-done\n")
    io.stdout:flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, _)
  local statuses, samples, first, last = {}, {}, math.huge, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      statuses[status] = (statuses[status] or 0) + count
    end
    for status, body in pairs(thread:get("samples")) do samples[status] = body end
    first = math.min(first, thread:get("first_us") or math.huge)
    last = math.max(last, thread:get("last_us") or 0)
  end
  for status, count in pairs(statuses) do
    io.write(string.format("BENCH status %d %d\n", status, count))
  end
  for status, body in pairs(samples) do
    io.write(string.format("BENCH sample %d %s\n", status, body))
  end
  local e = summary.errors
  io.write(string.format("BENCH duration_us %d\n", last > first and last - first or 0))
  io.write(string.format("BENCH p50_us %d\n", latency:percentile(50)))
  io.write(string.format("BENCH p99_us %d\n", latency:percentile(99)))
  io.write(string.format("BENCH socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
end
