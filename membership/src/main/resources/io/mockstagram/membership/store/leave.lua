-- ARGV: name, incarnation ('' matches any), epoch_floor
local name, incarnation, floor = ARGV[1], ARGV[2], tonumber(ARGV[3])

local current = redis.call('HGET', K_INCARNATIONS, name)
if not current or (incarnation ~= '' and current ~= incarnation) then
  -- Already gone, or the name now belongs to a newer process: leave it alone.
  return reply('ABSENT')
end
remove(name, 'LEFT', floor)
return reply('LEFT')
