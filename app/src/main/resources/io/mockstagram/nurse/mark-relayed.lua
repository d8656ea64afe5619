-- KEYS[1]: the nurses' leader key, KEYS[2]: the relayed-change key.
-- ARGV[1]: the nurse's id, ARGV[2]: the id of the change it announced.
-- Only the nurse that holds the lease moves the mark: a nurse that lost it while an
-- announcement was in flight must not set it back under its successor.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2])
  return 1
end
return 0
