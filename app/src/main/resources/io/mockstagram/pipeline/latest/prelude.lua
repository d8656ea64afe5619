-- Shared by every latest-reading script; LatestKeys passes KEYS in this order.
local K_LATEST, K_RANK, K_TOTALS, K_COVERAGE, K_SUSPICIOUS = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]

-- How many ticks back from a pk's newest reading a late reading is still recognised.
local WINDOW = 32

-- One hash field per pk, "lastTick,mask,followers,following,fetchedAtMs,sum,count".
-- Why one packed string: a reading must read and rewrite all of it anyway, so one
-- HGET and one HSET per pk (batched as HMGET/HSET per script call) is the least Redis
-- can do, and a million pks cost one field each instead of a hash or a key each.
-- Why a mask: bit i says tick lastTick - i was applied, so a repeated (pk, tick) is
-- recognised exactly, in O(1) and in a fixed 32 bits, without a set of seen ticks
-- per pk that would have to be pruned. A reading more than WINDOW ticks older than
-- the newest cannot be told apart from one already counted, so it is left out.
local function decode(packed)
  local tick, mask, followers, following, fetched, sum, count = string.match(packed,
    '^(%-?%d+),(%-?%d+),(%-?%d+),(%-?%d+),(%-?%d+),(%-?%d+),(%d+)$')
  return {tick = tonumber(tick), mask = tonumber(mask), followers = tonumber(followers),
          following = tonumber(following), fetched = tonumber(fetched), sum = tonumber(sum),
          count = tonumber(count)}
end

-- %d, because tostring() keeps only 14 significant digits; every value here is an
-- integer well below 2^53, so Lua's doubles hold it exactly.
local function encode(s)
  return string.format('%d,%d,%d,%d,%d,%d,%d', s.tick, s.mask, s.followers, s.following, s.fetched,
    s.sum, s.count)
end
