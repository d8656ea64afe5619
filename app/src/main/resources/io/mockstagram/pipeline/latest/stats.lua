-- Replies {built, sum, count}: built is 1 once the view is complete, and sum and count are
-- those of the latest follower counts.
local totals = redis.call('HMGET', K_TOTALS, 'sum', 'count')
local built = 0
if redis.call('GET', K_BUILT) == VERSION then
  built = 1
end
return {built, tonumber(totals[1] or '0'), tonumber(totals[2] or '0')}
