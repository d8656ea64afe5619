-- Shared by every membership script; MembershipKeys passes KEYS in this order.
local K_MEMBERS, K_TOTAL, K_EPOCH, K_NUMBERS, K_LEASES, K_INCARNATIONS, K_PENDING, K_CHANGES =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]

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
  return tonumber(redis.call('GET', K_EPOCH) or '0')
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
-- "epoch total kind name number moved from to" (moved is '-' when nobody moved).
local function record(e, kind, name, number, moved, from, to)
  local t = total()
  redis.call('XADD', K_CHANGES, 'MAXLEN', '~', CHANGELOG_LENGTH, '*',
    'epoch', e, 'kind', kind, 'name', name, 'number', number, 'total', t,
    'moved', moved or '', 'from', from or 0, 'to', to or 0)
  redis.call('PUBLISH', K_MEMBERS .. ':CHANGED',
    table.concat({e, t, kind, name, number, moved or '-', from or 0, to or 0}, ' '))
end

-- Removes a member and keeps the numbers dense: only the highest-numbered member
-- moves, into the freed number. The moved member stays pending until it has seen
-- its new number, and no one may join meanwhile (see join.lua). It stays pending
-- at most until its lease deadline: by then it has renewed, and so seen the
-- number, or it has fenced itself.
-- Returns the new epoch, or nil when the name is not a member.
local function remove(name, kind, floor)
  local number = tonumber(redis.call('HGET', K_MEMBERS, name))
  if not number then return nil end
  local highest = total()
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
    record(e, kind, name, number, moved, highest, number)
  else
    record(e, kind, name, number)
  end
  return e
end

local function reply(status, number, extra)
  return {status, number or 0, total(), epoch(), extra or 0}
end
