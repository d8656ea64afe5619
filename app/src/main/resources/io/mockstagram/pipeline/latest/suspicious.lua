-- ARGV: pks, flags (0 or 1) and times (ms), each column one comma-separated string.
-- Classifications answer about a second after their reading and may overtake one another,
-- and a rebuild copies them beside live ones, so an older one never replaces a newer one.
-- Replies how many were stored.
local pks, flags, times = column(ARGV[1]), column(ARGV[2]), column(ARGV[3])
local current = redis.call('HMGET', K_SUSPICIOUS, unpack(pks))
-- Keyed by pk, so that a pk listed twice compares its second verdict with its first.
local at_of = {}
for i = 1, #pks do
  if current[i] and at_of[pks[i]] == nil then
    at_of[pks[i]] = tonumber(string.match(current[i], ',(%-?%d+)$'))
  end
end
local stored = 0
for i = 1, #pks do
  local at, was = tonumber(times[i]), at_of[pks[i]]
  if not was or was < at then
    redis.call('HSET', K_SUSPICIOUS, pks[i], flags[i] .. ',' .. times[i])
    at_of[pks[i]] = at
    stored = stored + 1
  end
end
return stored
