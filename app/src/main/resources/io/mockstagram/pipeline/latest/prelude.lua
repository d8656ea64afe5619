-- Shared by every view script; ViewKeys passes KEYS in this order.
local K_LATEST, K_RANK, K_TOTALS, K_COVERAGE, K_SUSPICIOUS, K_BUILT, K_BUILDING =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]

-- What K_BUILT holds once a rebuild of this format has finished. Absent (a wipe, a restart
-- empty, or a first start over an older format) means the view is incomplete until rebuilt.
local VERSION = '2'

-- One hash field per pk, "readings,followerSum,scheduledAtMs,followers,following,fetchedAtMs":
-- a copy of the pk's row in PostgreSQL's aggregate table. readings only ever grows for a pk,
-- and each value comes with exactly one state of the row, so keeping the copy with the most
-- readings makes every write idempotent and order-free: a redelivery, two updaters racing and
-- a rebuild running beside live writes all end with the newest row.
-- Why one packed string: a write must read and rewrite all of it anyway, so one HGET and one
-- HSET per pk (batched per script call) is the least Redis can do, and a million pks cost one
-- field each instead of a hash or a key each.
local function decode(packed)
  local readings, sum, scheduled, followers, following, fetched = string.match(packed,
    '^(%d+),(%-?%d+),(%-?%d+),(%-?%d+),(%-?%d+),(%-?%d+)$')
  if not readings then
    return nil
  end
  return {readings = tonumber(readings), sum = tonumber(sum), scheduled = tonumber(scheduled),
          followers = tonumber(followers), following = tonumber(following), fetched = tonumber(fetched)}
end

-- %d, because tostring() keeps only 14 significant digits; every value here is an
-- integer well below 2^53, so Lua's doubles hold it exactly.
local function encode(s)
  return string.format('%d,%d,%d,%d,%d,%d', s.readings, s.sum, s.scheduled, s.followers, s.following, s.fetched)
end

local function column(csv)
  local values, n = {}, 0
  for value in string.gmatch(csv, '[^,]+') do
    n = n + 1
    values[n] = value
  end
  return values
end
