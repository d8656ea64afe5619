-- ARGV: name, incarnation, lease_ms, generation ('' skips the check), epoch_floor
local name, incarnation, lease_ms = ARGV[1], ARGV[2], tonumber(ARGV[3])
local expected_generation, floor = ARGV[4], tonumber(ARGV[5])

local problem = inconsistency()
if problem then
  return reply('INCONSISTENT', 0, 0, problem)
end
local g = generation()
if not has_map() or older_than(floor) or (expected_generation ~= '' and (not g or g.id ~= expected_generation)) then
  -- Not the map this member joined: renewing into it would make an old number look current.
  return reply('FOREIGN')
end
local number = tonumber(redis.call('HGET', K_MEMBERS, name))
if not number then
  return reply('GONE')
end
if redis.call('HGET', K_INCARNATIONS, name) ~= incarnation then
  return reply('SUPERSEDED')
end
local now = now_ms()
redis.call('ZADD', K_LEASES, now + lease_ms, name)
redis.call('HSET', K_RENEWED, name, now)
-- The reply carries the current number, so a pending move is now acknowledged.
redis.call('ZREM', K_PENDING, name)
return reply('RENEWED', number)
