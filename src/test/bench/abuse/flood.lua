-- wrk script: a flood of mosquitto-auth-plug callbacks (form body, raw client id, Authorization: Basic)
-- with random identities, bounded in count. Environment:
--   MODE   auth  (POST /auth, random 200-character username, non-empty password)
--          token (POST /auth, username and password both "mqtt_" + random: the token maps)
--          acl   (POST /acl, random username and random topic, acc 1/2/4)
--   COUNT  requests in all (split evenly over wrk's threads); each thread stops after its share
--   DONE_DIR a directory: each thread that has its share answered creates thread-<n> there (wrk runs
--            until -d ends otherwise; run.sh then stops it with SIGINT, after which wrk prints its summary)
--   NAME_LEN length of the random part of a name (default 200)
-- Prints one line: FLOOD sent=.. s2xx=.. s4xx=.. s5xx=.. other=.. (s2xx = wrongly allowed: every name is random)
local mode = os.getenv("MODE") or "auth"
local count = tonumber(os.getenv("COUNT") or "400000")
local name_len = tonumber(os.getenv("NAME_LEN") or "200")
local threads = {}
local nthreads = 0

setup = function(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
  threads[#threads + 1] = thread
end

local alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
local chars = {}
for k = 1, #alphabet do chars[k] = alphabet:sub(k, k) end
local function rnd(n)
  local t = {}
  for k = 1, n do t[k] = chars[math.random(#chars)] end
  return table.concat(t)
end

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

local limit, sent, done_n = 0, 0, 0
s2xx, s4xx, s5xx, sother, finished = 0, 0, 0, 0, 0

init = function(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  limit = math.floor(count / tonumber(os.getenv("WRK_THREADS") or "1"))
end

local acc = { "1", "2", "4" }
request = function()
  sent = sent + 1
  local path, body, basic
  if mode == "acl" then
    local user = rnd(name_len)
    path = "/acl"
    body = "username=" .. user .. "&password=&topic=devices%2F" .. rnd(16) .. "%2F" .. rnd(24)
      .. "&acc=" .. acc[math.random(3)] .. "&clientid=client id not available"
    basic = b64(user .. ":")
  else
    local user, pass
    if mode == "token" then
      user, pass = "mqtt_" .. rnd(name_len - 5), "mqtt_" .. rnd(43)
    else
      user, pass = rnd(name_len), rnd(12)
    end
    path = "/auth"
    body = "username=" .. user .. "&password=" .. pass .. "&topic=&acc=-1&clientid="
    basic = b64(user .. ":" .. pass)
  end
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = "Basic " .. basic,
    ["Accept"] = "*/*",
  }, body)
end

response = function(status, headers, body)
  done_n = done_n + 1
  if status >= 200 and status < 300 then s2xx = s2xx + 1
  elseif status >= 400 and status < 500 then s4xx = s4xx + 1
  elseif status >= 500 and status < 600 then s5xx = s5xx + 1
  else sother = sother + 1 end
  finished = done_n
  if done_n == limit then
    -- wrk itself runs until -d ends: tell run.sh (which then sends SIGINT) and stop this thread
    local marker = os.getenv("DONE_DIR")
    if marker then
      local f = io.open(marker .. "/thread-" .. tid, "w")
      if f then f:write(done_n) f:close() end
    end
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  local a, b, c, d, n = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("s2xx"); b = b + t:get("s4xx"); c = c + t:get("s5xx"); d = d + t:get("sother")
    n = n + t:get("finished")
  end
  io.write(string.format("FLOOD mode=%s answered=%d s2xx=%d s4xx=%d s5xx=%d other=%d socket_errors=%d "
    .. "duration_s=%.1f rate=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    mode, n, a, b, c, d,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, n / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
