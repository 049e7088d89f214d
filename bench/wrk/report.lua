-- wrk script for bench/run.py. Arguments after `--`:
--   method path items threads [header-name header-value]...
-- items: "-", or a file of one path (GET) or one JSON body (POST) per line; each wrk thread
-- takes its own share of the lines, in turn, so no line is sent twice unless the run outlasts
-- them (the summary says how many lines each thread had). Prints a JSON summary.
local items, index = {}, 0
local method, path
local headers = {}
local threads = {}

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

function init(args)
  method, path = args[1], args[2]
  if args[3] ~= "-" then
    local number = 0
    for line in io.lines(args[3]) do
      if number % tonumber(args[4]) == thread_number then items[#items + 1] = line end
      number = number + 1
    end
  end
  for position = 5, #args - 1, 2 do headers[args[position]] = args[position + 1] end
  if method == "POST" then headers["Content-Type"] = "application/json" end
end

function request()
  if #items == 0 then return wrk.format(method, path, headers) end
  index = index % #items + 1
  if method == "POST" then return wrk.format("POST", path, headers, items[index]) end
  return wrk.format("GET", items[index], headers)
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %.6f, "errors": %d, "status_errors": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
