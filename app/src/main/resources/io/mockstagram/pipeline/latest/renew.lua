-- ARGV: the rebuild's token, the lock's lease in ms. Replies 1 while the rebuild holds the lock.
if redis.call('GET', K_BUILDING) ~= ARGV[1] then
  return 0
end
redis.call('PEXPIRE', K_BUILDING, ARGV[2])
return 1
