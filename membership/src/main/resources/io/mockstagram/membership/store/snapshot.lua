-- Reads the whole membership at one instant: epoch, TOTAL, Redis time, then
-- name/number pairs and name/lease-deadline pairs.
local stored_total = tonumber(redis.call('GET', K_TOTAL) or '0')
return {epoch(), stored_total, now_ms(),
        redis.call('HGETALL', K_MEMBERS),
        redis.call('ZRANGE', K_LEASES, 0, -1, 'WITHSCORES')}
