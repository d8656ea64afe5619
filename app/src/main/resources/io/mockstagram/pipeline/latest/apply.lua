-- ARGV: scheduledAtMs of the batch and how many of its readings were new (0 0 for a rebuild),
-- then the aggregate rows, each column one comma-separated string: pks, readings, follower
-- sums, latest scheduled times, latest follower counts, latest following counts, latest fetch
-- times.
-- Keeps, per pk, the row with the most readings (see prelude.lua), and with it the rank and
-- the totals behind the global average. Replies {applied, stale}: rows taken, and rows left
-- out because the view already had the same or a newer one.
local COVERAGE_TICKS = 200
-- Pruning sorts the whole hash, so it waits for this many surplus intervals rather than
-- running on every batch.
local COVERAGE_SLACK = 50
-- One HMGET, HSET and ZADD per call rather than one call per row costs Redis about a fifth
-- less. Lua's unpack() refuses much more than 8000 values, so many rows go in chunks.
local CHUNK = 1000

local function hmget(key, fields)
  local values = {}
  for first = 1, #fields, CHUNK do
    local last = math.min(first + CHUNK - 1, #fields)
    local chunk = redis.call('HMGET', key, unpack(fields, first, last))
    for i = 1, #chunk do
      values[first + i - 1] = chunk[i]
    end
  end
  return values
end

local function write_pairs(command, key, list)
  for first = 1, #list, 2 * CHUNK do
    redis.call(command, key, unpack(list, first, math.min(first + 2 * CHUNK - 1, #list)))
  end
end

local batch_scheduled, batch_new = ARGV[1], tonumber(ARGV[2])
local pks, readings, sums = column(ARGV[3]), column(ARGV[4]), column(ARGV[5])
local scheduled, followers, following, fetched = column(ARGV[6]), column(ARGV[7]), column(ARGV[8]), column(ARGV[9])

-- A pk listed twice is read once, so its second row sees the first.
local states, distinct = {}, {}
for i = 1, #pks do
  local pk = pks[i]
  if states[pk] == nil then
    states[pk] = false
    distinct[#distinct + 1] = pk
  end
end
local stored = hmget(K_LATEST, distinct)
for i = 1, #distinct do
  if stored[i] then
    states[distinct[i]] = decode(stored[i]) or false
  end
end

local applied, stale = 0, 0
local latest_sum, latest_count = 0, 0
local dirty, dirty_list, ranked = {}, {}, {}
for i = 1, #pks do
  local pk, n, f = pks[i], tonumber(readings[i]), tonumber(followers[i])
  local s = states[pk]
  if n > 0 and (not s or n > s.readings) then
    if not s then
      latest_sum, latest_count = latest_sum + f, latest_count + 1
      ranked[#ranked + 1] = f
      ranked[#ranked + 1] = pk
    elseif s.followers ~= f then
      latest_sum = latest_sum + f - s.followers
      ranked[#ranked + 1] = f
      ranked[#ranked + 1] = pk
    end
    states[pk] = {readings = n, sum = tonumber(sums[i]), scheduled = tonumber(scheduled[i]), followers = f,
                  following = tonumber(following[i]), fetched = tonumber(fetched[i])}
    applied = applied + 1
    if not dirty[pk] then
      dirty[pk] = true
      dirty_list[#dirty_list + 1] = pk
    end
  else
    stale = stale + 1
  end
end

if #dirty_list > 0 then
  local entries = {}
  for i = 1, #dirty_list do
    local pk = dirty_list[i]
    entries[2 * i - 1] = pk
    entries[2 * i] = encode(states[pk])
  end
  write_pairs('HSET', K_LATEST, entries)
end
-- A pk re-ranked twice in one call: ZADD takes the last score given, the newest.
if #ranked > 0 then
  write_pairs('ZADD', K_RANK, ranked)
end
-- Integer deltas through HINCRBY keep the sum of the latest counts exact however often
-- they change, where recomputing it would take a scan.
if latest_count > 0 or latest_sum ~= 0 then
  redis.call('HINCRBY', K_TOTALS, 'sum', string.format('%d', latest_sum))
  redis.call('HINCRBY', K_TOTALS, 'count', latest_count)
end
if batch_new > 0 then
  redis.call('HINCRBY', K_COVERAGE, batch_scheduled, batch_new)
  if redis.call('HLEN', K_COVERAGE) > COVERAGE_TICKS + COVERAGE_SLACK then
    local ticks = redis.call('HKEYS', K_COVERAGE)
    table.sort(ticks, function(a, b) return tonumber(a) < tonumber(b) end)
    redis.call('HDEL', K_COVERAGE, unpack(ticks, 1, #ticks - COVERAGE_TICKS))
  end
end
return {applied, stale}
