-- ARGV: pk
-- Replies {0} while the view is not built (its figures may be partial), {} when the pk has
-- no reading, else {scheduledAtMs, followers, following, fetchedAtMs, sum, readings, higher,
-- suspicious}: higher is how many influencers have strictly more followers (ZCOUNT,
-- O(log N)), suspicious is -1 when never classified, else 0 or 1.
-- One script, so that the rank belongs to the same instant as the reading.
if redis.call('GET', K_BUILT) ~= VERSION then
  return {0}
end
local pk = ARGV[1]
local packed = redis.call('HGET', K_LATEST, pk)
if not packed then
  return {}
end
local s = decode(packed)
local higher = redis.call('ZCOUNT', K_RANK, string.format('(%d', s.followers), '+inf')
local suspicious = -1
local classified = redis.call('HGET', K_SUSPICIOUS, pk)
if classified then
  suspicious = tonumber(string.match(classified, '^(%d),'))
end
return {s.scheduled, s.followers, s.following, s.fetched, s.sum, s.readings, higher, suspicious}
