-- wrk script: mosquitto-auth-plug callbacks exactly as the plugin writes them (form body, raw
-- client id, Authorization: Basic). Environment:
--   SECRETS  file of "id secret" lines (Seed.java)
--   CALLBACK auth | acl
--   CONNECTION keep-alive | close   (close = a new TCP connection per request, the plugin's way)
--   PACE_MS    n > 0: each connection waits n ms before each request (a fixed offered rate)
local devices = {}
for line in io.lines(os.getenv("SECRETS")) do
  local id, secret = line:match("^(%S+) (%S+)$")
  devices[#devices + 1] = { id, secret }
end
local callback = os.getenv("CALLBACK") or "acl"
local connection = os.getenv("CONNECTION") or "keep-alive"
local i = math.random(#devices)

-- base64 for the Basic header (libcurl sends one on every call)
local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function b64(data)
  return ((data:gsub(".", function(x)
    local r, b = "", x:byte()
    for k = 8, 1, -1 do r = r .. (b % 2 ^ k - b % 2 ^ (k - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for k = 1, 6 do c = c + (x:sub(k, k) == "1" and 2 ^ (6 - k) or 0) end
    return b64chars:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#data % 3 + 1])
end

-- built in init(): wrk sets the Host header only after the script's main chunk has run
local requests = {}
init = function(args)
for n, d in ipairs(devices) do
  local id, secret = d[1], d[2]
  local body, path, basic
  if callback == "auth" then
    path = "/auth"
    body = "username=" .. id .. "&password=" .. secret .. "&topic=&acc=-1&clientid="
    basic = b64(id .. ":" .. secret)
  else
    path = "/acl"
    body = "username=" .. id .. "&password=&topic=devices%2F" .. id .. "%2Fstate&acc=2&clientid=client id not available"
    basic = b64(id .. ":")
  end
  requests[n] = wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = "Basic " .. basic,
    ["Accept"] = "*/*",
    ["Connection"] = connection,
  }, body)
end
end

local pace = tonumber(os.getenv("PACE_MS") or "0")
if pace > 0 then
  delay = function() return pace end
end

request = function()
  i = i % #requests + 1
  return requests[i]
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT callbacks_per_s=%.0f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests, bad))
end
