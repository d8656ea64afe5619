-- ARGV: tick, then the batch's pks, follower counts, following counts and fetch times
-- (ms), each column one comma-separated string.
-- Applies one reading batch: latest reading, rank, the exact sum and count behind both
-- averages, and coverage of the tick, each (pk, tick) at most once however often it
-- arrives. Replies {applied, duplicates, too_old}.
local COVERAGE_TICKS = 200
-- Pruning sorts the whole hash, so it waits for this many surplus ticks rather than
-- running on every batch.
local COVERAGE_SLACK = 50
-- One HMGET, HSET and ZADD per batch rather than one call per reading costs Redis about a
-- fifth less. Lua's unpack() refuses much more than 8000 values, so a very large batch
-- goes in chunks of this many pks.
local CHUNK = 1000

local function column(csv)
  local values, n = {}, 0
  for value in string.gmatch(csv, '[^,]+') do
    n = n + 1
    values[n] = value
  end
  return values
end

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

local tick = tonumber(ARGV[1])
local pks, followers, following, fetched = column(ARGV[2]), column(ARGV[3]), column(ARGV[4]), column(ARGV[5])

-- A pk listed twice in one batch is read once, so its second reading sees the first.
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
    states[distinct[i]] = decode(stored[i])
  end
end

local applied, duplicates, too_old = 0, 0, 0
local latest_sum, latest_count = 0, 0
local dirty, dirty_list, ranked = {}, {}, {}
for i = 1, #pks do
  local pk, f = pks[i], tonumber(followers[i])
  local s = states[pk]
  local counted, rerank = false, false
  if not s then
    s = {tick = tick, mask = 1, followers = f, following = tonumber(following[i]),
         fetched = tonumber(fetched[i]), sum = 0, count = 0}
    states[pk] = s
    latest_sum, latest_count = latest_sum + f, latest_count + 1
    counted, rerank = true, true
  else
    local behind = s.tick - tick
    if behind < 0 then
      -- bit.lshift only looks at the low 5 bits of its shift, so a jump of a whole
      -- window or more must clear the mask explicitly.
      if -behind >= WINDOW then
        s.mask = 1
      else
        s.mask = bit.bor(bit.lshift(s.mask, -behind), 1)
      end
      latest_sum = latest_sum + f - s.followers
      -- An unchanged count keeps its place in the rank, so it needs no ZADD.
      rerank = s.followers ~= f
      s.tick, s.followers, s.following, s.fetched = tick, f, tonumber(following[i]), tonumber(fetched[i])
      counted = true
    elseif behind >= WINDOW then
      too_old = too_old + 1
    else
      local b = bit.lshift(1, behind)
      if bit.band(s.mask, b) ~= 0 then
        duplicates = duplicates + 1
      else
        s.mask = bit.bor(s.mask, b)
        counted = true
      end
    end
  end
  if counted then
    applied = applied + 1
    s.sum, s.count = s.sum + f, s.count + 1
    if not dirty[pk] then
      dirty[pk] = true
      dirty_list[#dirty_list + 1] = pk
    end
  end
  if rerank then
    ranked[#ranked + 1] = f
    ranked[#ranked + 1] = pk
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
if #ranked > 0 then
  write_pairs('ZADD', K_RANK, ranked)
end
-- Integer deltas through HINCRBY keep the sum of the latest counts exact however often
-- they change, where recomputing it would take a scan.
if latest_count > 0 or latest_sum ~= 0 then
  redis.call('HINCRBY', K_TOTALS, 'sum', string.format('%d', latest_sum))
  redis.call('HINCRBY', K_TOTALS, 'count', latest_count)
end
if applied > 0 then
  redis.call('HINCRBY', K_COVERAGE, string.format('%d', tick), applied)
  if redis.call('HLEN', K_COVERAGE) > COVERAGE_TICKS + COVERAGE_SLACK then
    local ticks = redis.call('HKEYS', K_COVERAGE)
    table.sort(ticks, function(a, b) return tonumber(a) < tonumber(b) end)
    redis.call('HDEL', K_COVERAGE, unpack(ticks, 1, #ticks - COVERAGE_TICKS))
  end
end
return {applied, duplicates, too_old}
