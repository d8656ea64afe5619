-- KEYS[1]: leader key. ARGV: holder id. Deletes the lease only if this holder has it.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
