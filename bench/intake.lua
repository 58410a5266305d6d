-- wrk script for bench/intake.py: POST a distinct opinion per request (JSON), keep every
-- receipt the server gives and count answers that are not 201.
-- Arguments: the path, then the round's tag. The tag is new in every wrk run (the counter
-- below starts again at 0 in each run), so no opinion of a round repeats an earlier one and
-- none is answered through the resend path without a row stored.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  receipts = {}
  failures = 0
  path = args[1]
  tag = args[2]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"body": "Ý kiến số %s-%d-%d: đề nghị niêm yết dự thảo tại nhà văn hóa thôn.", "article": "3"}',
    tag, id, counter)
  return wrk.format(nil, path, nil, body)
end

function response(status, headers, body)
  if status == 201 then
    local receipt = string.match(body, '"receipt"%s*:%s*"([^"]+)"')
    if receipt then table.insert(receipts, receipt) else failures = failures + 1 end
  else
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("INTAKE_OUT"), "w")
  local fails = 0
  for _, thread in ipairs(threads) do
    fails = fails + thread:get("failures")
    local got = thread:get("receipts")
    for _, receipt in ipairs(got) do out:write("R ", receipt, "\n") end
  end
  local errors = summary.errors
  out:write(string.format("requests %d\n", summary.requests))
  out:write(string.format("duration_us %d\n", summary.duration))
  out:write(string.format("socket_errors %d\n",
    errors.connect + errors.read + errors.write + errors.timeout))
  out:write(string.format("bad_status %d\n", errors.status))
  out:write(string.format("failures %d\n", fails))
  out:write(string.format("p50_us %d\n", latency:percentile(50)))
  out:write(string.format("p99_us %d\n", latency:percentile(99)))
  out:close()
end
