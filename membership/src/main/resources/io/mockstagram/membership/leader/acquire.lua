-- KEYS[1]: leader key. ARGV: candidate id, lease_ms. Returns 1 when the candidate holds the lease.
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
