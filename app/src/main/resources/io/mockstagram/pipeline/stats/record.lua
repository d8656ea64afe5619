-- KEYS[1]: the per-tick stats hash. ARGV: tick, readings, lag_ms (of the batch's due time)
-- Keeps, per tick, the readings stored and the sum and maximum of their batches' lag.
local key, tick, readings, lag = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('HINCRBY', key, tick .. ':readings', readings)
redis.call('HINCRBY', key, tick .. ':lagsum', lag * readings)
local max = tonumber(redis.call('HGET', key, tick .. ':lagmax') or '0')
if lag > max then
  redis.call('HSET', key, tick .. ':lagmax', lag)
end
-- Keep about the last 200 ticks: trim when the hash has grown past 250 of them.
if redis.call('HLEN', key) > 750 then
  local fields = redis.call('HKEYS', key)
  local ticks = {}
  for _, field in ipairs(fields) do
    local t = tonumber(string.match(field, '^(%d+):'))
    if t then ticks[t] = true end
  end
  local sorted = {}
  for t in pairs(ticks) do table.insert(sorted, t) end
  table.sort(sorted)
  for i = 1, #sorted - 200 do
    redis.call('HDEL', key, sorted[i] .. ':readings', sorted[i] .. ':lagsum', sorted[i] .. ':lagmax')
  end
end
return 1
