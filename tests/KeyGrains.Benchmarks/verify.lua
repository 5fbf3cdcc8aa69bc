-- wrk script: POST /v1/keys/verify (or another path in env BENCH_PATH; with BENCH_METHOD=GET, a GET
-- presenting the key in X-API-Key, as a gateway asks /v1/auth) with keys taken in turn
-- from the file in env BENCH_KEYS, one key per line; every thread starts at its own offset.
local keys = {}
local index = 0
local path = os.getenv("BENCH_PATH") or "/v1/keys/verify"
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
end

function init(args)
  for line in io.lines(os.getenv("BENCH_KEYS")) do
    keys[#keys + 1] = line
  end
  index = offset or 0
end

local method = os.getenv("BENCH_METHOD") or "POST"

function request()
  index = index + 1
  local key = keys[(index % #keys) + 1]
  if method == "GET" then
    return wrk.format("GET", path, { ["X-API-Key"] = key })
  end
  local body = '{"key":"' .. key .. '","ip":"127.0.0.1","permissions":["clusters:read"]}'
  return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
end
