-- ARGV: pk, flag (0 or 1), atMs
-- Classifications answer about a second after their reading and may overtake one
-- another, so an older one never replaces a newer one. Replies 1 when stored, else 0.
local pk, flag, at = ARGV[1], ARGV[2], tonumber(ARGV[3])
local current = redis.call('HGET', K_SUSPICIOUS, pk)
if current and tonumber(string.match(current, ',(%-?%d+)$')) > at then
  return 0
end
redis.call('HSET', K_SUSPICIOUS, pk, flag .. ',' .. ARGV[3])
return 1
