-- wrk script: optional request list (one "METHOD path [body]" per line is too much; one path
-- per line, or one JSON body per line for POST), and a JSON summary on stdout.
local items, index = {}, 0
local method, path, header_name, header_value
local threads = {}

function setup(thread)
  -- each thread replays its own share of the list: POSTed events are never sent twice
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- args: method path [file of paths or bodies, or -] [header name, value] [thread count]
  method, path = args[1] or "GET", args[2]
  if args[3] and args[3] ~= "-" then
    local number = 0
    for line in io.lines(args[3]) do
      if number % tonumber(args[6] or 1) == thread_number then items[#items + 1] = line end
      number = number + 1
    end
  end
  header_name, header_value = args[4], args[5]
end

function request()
  local headers = {}
  if header_name and header_name ~= "" then headers[header_name] = header_value end
  if method == "POST" then
    headers["Content-Type"] = "application/json"
    index = index % #items + 1
    return wrk.format("POST", path, headers, items[index])
  end
  if #items > 0 then
    index = index % #items + 1
    return wrk.format("GET", items[index], headers)
  end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %.6f, "errors": %d, "status_errors": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(99)))
end
