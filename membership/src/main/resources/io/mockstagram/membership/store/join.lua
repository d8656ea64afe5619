-- ARGV: name, incarnation, lease_ms, epoch_floor, the generation id for a map this join starts
local name, incarnation = ARGV[1], ARGV[2]
local lease_ms, floor, new_generation = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]

local problem = inconsistency()
if problem then
  return reply('INCONSISTENT', 0, 0, problem)
end
if older_than(floor) then
  reset_map(floor, new_generation)
elseif not generation() then
  -- An empty Redis, or a map written before generations existed.
  start_generation(new_generation)
end
local now = now_ms()

local number = tonumber(redis.call('HGET', K_MEMBERS, name))
if number then
  -- Same name again (a restart, or a member that fenced itself): it keeps its
  -- number and nothing is renumbered.
  redis.call('ZADD', K_LEASES, now + lease_ms, name)
  redis.call('HSET', K_RENEWED, name, now)
  redis.call('HSET', K_INCARNATIONS, name, incarnation)
  redis.call('ZREM', K_PENDING, name)
  return reply('KEPT', number)
end

-- A renumbered member that has not yet seen its new number still acts on its old
-- one, which is exactly the number a newcomer would get: the newcomer waits.
redis.call('ZREMRANGEBYSCORE', K_PENDING, '-inf', now)
local pending = redis.call('ZRANGE', K_PENDING, 0, 0, 'WITHSCORES')
if #pending > 0 then
  return reply('WAIT', 0, tonumber(pending[2]) - now)
end

number = total() + 1
redis.call('HSET', K_MEMBERS, name, number)
redis.call('HSET', K_NUMBERS, number, name)
redis.call('SET', K_TOTAL, number)
redis.call('ZADD', K_LEASES, now + lease_ms, name)
redis.call('HSET', K_RENEWED, name, now)
redis.call('HSET', K_INCARNATIONS, name, incarnation)
local e = next_epoch(floor)
record(e, 'JOINED', name, number)
return reply('JOINED', number)
