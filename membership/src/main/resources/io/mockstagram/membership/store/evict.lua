-- KEYS[9]: the leader key. ARGV: leader_id ('' skips the leader check)
-- Evicts every member whose lease deadline has passed by Redis time.
local leader_key, leader_id = KEYS[9], ARGV[1]
if leader_id ~= '' and redis.call('GET', leader_key) ~= leader_id then
  return {'NOT_LEADER'}
end

local now = now_ms()
local evicted = {'EVICTED'}
for _, name in ipairs(redis.call('ZRANGEBYSCORE', K_LEASES, '-inf', '(' .. now)) do
  if remove(name, 'EVICTED', 0) then
    table.insert(evicted, name)
  end
end
return evicted
