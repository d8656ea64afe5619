-- KEYS[11]: the leader key. ARGV: leader_id ('' skips the leader check), epoch_floor
-- Evicts every member whose lease deadline has passed by Redis time. Replies with the
-- epoch, how long until the next lease can run out (-1 when there are none), and the
-- evicted names, so that the caller can sleep exactly until there is work again.
local leader_key, leader_id, floor = KEYS[11], ARGV[1], tonumber(ARGV[2])
if leader_id ~= '' and redis.call('GET', leader_key) ~= leader_id then
  return {'NOT_LEADER', epoch(), -1}
end
if inconsistency() then
  return {'INCONSISTENT', epoch(), -1}
end
if older_than(floor) then
  -- Evicting from an older copy would announce its stale numbers as the next epochs.
  return {'OLDER_MAP', epoch(), -1}
end

local now = now_ms()
local evicted = {}
for _, name in ipairs(redis.call('ZRANGEBYSCORE', K_LEASES, '-inf', '(' .. now)) do
  -- A crashed member may have stopped working any time after its last renewal.
  if remove(name, 'EVICTED', floor, redis.call('HGET', K_RENEWED, name) or '') then
    table.insert(evicted, name)
  end
end

local next_expiry = -1
local earliest = redis.call('ZRANGE', K_LEASES, 0, 0, 'WITHSCORES')
if #earliest > 0 then
  next_expiry = math.max(0, tonumber(earliest[2]) - now)
end
local reply = {'EVICTED', epoch(), next_expiry}
for _, name in ipairs(evicted) do
  table.insert(reply, name)
end
return reply
