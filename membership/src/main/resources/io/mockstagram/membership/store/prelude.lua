-- Shared by every membership script; MembershipKeys passes KEYS in this order.
local K_MEMBERS, K_TOTAL, K_EPOCH, K_NUMBERS, K_LEASES, K_INCARNATIONS, K_PENDING, K_CHANGES, K_GENERATION, K_RENEWED =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]

local CHANGELOG_LENGTH = 1000

-- Lease deadlines are Redis time, never a client's clock.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function total()
  return redis.call('HLEN', K_MEMBERS)
end

local function epoch()
  return tonumber(redis.call('GET', K_EPOCH) or '0') or 0
end

local function has_map()
  return redis.call('EXISTS', K_EPOCH) == 1
end

-- The map's generation: a random id and its Redis creation time. A map rebuilt after
-- Redis forgot the old one gets a new id, so that no member mistakes it for the old one.
local function generation()
  local g = redis.call('HMGET', K_GENERATION, 'id', 'created')
  if not g[1] then return nil end
  return {id = g[1], created = tonumber(g[2]) or 0}
end

local function start_generation(id)
  redis.call('HSET', K_GENERATION, 'id', id, 'created', now_ms())
end

-- What makes the keys inconsistent, found by reading only; nil when they are consistent.
-- Every writing script asks first, and writes nothing when the answer is not nil.
local function inconsistency()
  local stored_epoch = redis.call('GET', K_EPOCH)
  local stored_total = redis.call('GET', K_TOTAL)
  local members = redis.call('HGETALL', K_MEMBERS)
  local n = #members / 2
  if not stored_epoch then
    if stored_total or n > 0
        or redis.call('EXISTS', K_NUMBERS, K_LEASES, K_INCARNATIONS, K_PENDING, K_GENERATION) > 0 then
      return 'membership keys without an epoch'
    end
    return nil
  end
  if not tonumber(stored_epoch) then
    return 'EPOCH is not a number'
  end
  if tonumber(stored_total or '0') ~= n then
    return 'TOTAL is ' .. tostring(stored_total) .. ' but ' .. n .. ' members hold numbers'
  end
  local numbers = redis.call('HGETALL', K_NUMBERS)
  if #numbers / 2 ~= n then
    return 'NUMBERS has ' .. (#numbers / 2) .. ' entries for ' .. n .. ' members'
  end
  local holder = {}
  for i = 1, #numbers, 2 do
    holder[numbers[i]] = numbers[i + 1]
  end
  -- n names, each on a number in 1..n that maps back to it alone: the numbers are 1..n.
  for i = 1, #members, 2 do
    local name, number = members[i], tonumber(members[i + 1])
    if not number or number < 1 or number > n or number ~= math.floor(number) then
      return name .. ' holds ' .. members[i + 1] .. ', outside 1..' .. n
    end
    if holder[tostring(number)] ~= name then
      return 'NUMBERS does not give ' .. number .. ' to ' .. name
    end
  end
  if redis.call('ZCARD', K_LEASES) ~= n or redis.call('HLEN', K_INCARNATIONS) ~= n then
    return 'leases or incarnations do not match the members'
  end
  return nil
end

-- An older copy of the map than the caller has seen (writes lost with Redis's last second,
-- a promoted replica that lagged): as unknown to its members as an empty one.
local function older_than(floor)
  return has_map() and epoch() < floor
end

local function notice(e, t, kind, name, number, moved, from, to)
  local g = generation()
  return table.concat({e, t, kind, name, number, moved or '-', from or 0, to or 0, g and g.id or '-'}, ' ')
end

-- Starts a new generation on an empty map, above every epoch anyone has seen. Members of
-- the old map fence themselves when they hear of it, and rejoin.
local function reset_map(floor, generation_id)
  local e = math.max(epoch(), floor) + 1
  redis.call('DEL', K_MEMBERS, K_NUMBERS, K_LEASES, K_INCARNATIONS, K_PENDING, K_RENEWED)
  redis.call('SET', K_TOTAL, 0)
  redis.call('SET', K_EPOCH, e)
  start_generation(generation_id)
  redis.call('PUBLISH', K_MEMBERS .. ':CHANGED', notice(e, 0, 'RESET', '-', 0))
  return e
end

-- The floor is the highest epoch the caller has seen, so the epoch keeps growing
-- even after Redis restarts empty and the members rebuild the map.
local function next_epoch(floor)
  local e = epoch()
  if floor > e then e = floor end
  e = e + 1
  redis.call('SET', K_EPOCH, e)
  return e
end

-- Every change goes to the changelog, and to the members' channel so that they follow it
-- at once instead of at their next heartbeat. The notice reads
-- "epoch total kind name number moved from to generation" (moved is '-' when nobody moved).
-- The changelog also says when the change was made (Redis ms), and for a departure since
-- when the member may have left its work undone ('' when nobody can say), so that the
-- survivors hand work over at one agreed time and redo only what may be missing.
local function record(e, kind, name, number, moved, from, to, since)
  local t = total()
  local g = generation()
  redis.call('XADD', K_CHANGES, 'MAXLEN', '~', CHANGELOG_LENGTH, '*',
    'epoch', e, 'kind', kind, 'name', name, 'number', number, 'total', t,
    'moved', moved or '', 'from', from or 0, 'to', to or 0, 'generation', g and g.id or '',
    'at', now_ms(), 'since', since or '')
  redis.call('PUBLISH', K_MEMBERS .. ':CHANGED', notice(e, t, kind, name, number, moved, from, to))
end

-- Removes a member and keeps the numbers dense: only the highest-numbered member
-- moves, into the freed number. The moved member stays pending until it has seen
-- its new number, and no one may join meanwhile (see join.lua). It stays pending
-- at most until its lease deadline: by then it has renewed, and so seen the
-- number, or it has fenced itself.
-- since: when the member may have stopped doing its work ('' when unknown).
-- Returns the new epoch, or nil when the name is not a member.
local function remove(name, kind, floor, since)
  local number = tonumber(redis.call('HGET', K_MEMBERS, name))
  if not number then return nil end
  local highest = total()
  redis.call('HDEL', K_RENEWED, name)
  redis.call('HDEL', K_MEMBERS, name)
  redis.call('ZREM', K_LEASES, name)
  redis.call('HDEL', K_INCARNATIONS, name)
  redis.call('ZREM', K_PENDING, name)
  local moved = false
  if number < highest then
    moved = redis.call('HGET', K_NUMBERS, highest)
    redis.call('HSET', K_MEMBERS, moved, number)
    redis.call('HSET', K_NUMBERS, number, moved)
    redis.call('ZADD', K_PENDING, redis.call('ZSCORE', K_LEASES, moved), moved)
  end
  redis.call('HDEL', K_NUMBERS, highest)
  redis.call('SET', K_TOTAL, highest - 1)
  local e = next_epoch(floor)
  if moved then
    record(e, kind, name, number, moved, highest, number, since)
  else
    record(e, kind, name, number, nil, nil, nil, since)
  end
  return e
end

-- status, number, TOTAL, EPOCH, extra, generation id, generation age (ms), detail
local function reply(status, number, extra, detail)
  local g = generation()
  local id, age = '', 0
  if g then
    id, age = g.id, now_ms() - g.created
  end
  return {status, number or 0, total(), epoch(), extra or 0, id, age, detail or ''}
end
