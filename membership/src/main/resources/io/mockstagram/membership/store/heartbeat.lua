-- ARGV: name, incarnation, lease_ms
local name, incarnation, lease_ms = ARGV[1], ARGV[2], tonumber(ARGV[3])

local number = tonumber(redis.call('HGET', K_MEMBERS, name))
if not number then
  return reply('GONE')
end
if redis.call('HGET', K_INCARNATIONS, name) ~= incarnation then
  return reply('SUPERSEDED')
end
redis.call('ZADD', K_LEASES, now_ms() + lease_ms, name)
-- The reply carries the current number, so a pending move is now acknowledged.
redis.call('ZREM', K_PENDING, name)
return reply('RENEWED', number)
