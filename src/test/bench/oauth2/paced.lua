-- wrk script: each connection waits PACE_MS (default 5) ms before each request, so
-- `wrk -c N -s paced.lua` offers about N x 1000 / (PACE_MS + latency) requests/s: a fixed rate
-- from wrk's C event loop (no Go or JVM runtime in the load driver), latency measured per request.
local pace = tonumber(os.getenv("PACE_MS") or "5")
delay = function() return pace end
