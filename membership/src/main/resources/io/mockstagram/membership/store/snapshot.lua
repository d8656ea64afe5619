-- Reads the whole membership at one instant: epoch, TOTAL, Redis time, then
-- name/number pairs, name/lease-deadline pairs, and the generation id.
local stored_total = tonumber(redis.call('GET', K_TOTAL) or '0')
local g = generation()
return {epoch(), stored_total, now_ms(),
        redis.call('HGETALL', K_MEMBERS),
        redis.call('ZRANGE', K_LEASES, 0, -1, 'WITHSCORES'),
        g and g.id or ''}
