-- ARGV: the rebuild's token. Marks the view built, if the rebuild still holds the lock: a
-- wipe while it ran took the lock with everything else, and what it loaded before the wipe
-- is gone, so it must not claim a complete view. Replies 1 when marked.
if redis.call('GET', K_BUILDING) ~= ARGV[1] then
  return 0
end
redis.call('SET', K_BUILT, VERSION)
redis.call('DEL', K_BUILDING)
return 1
