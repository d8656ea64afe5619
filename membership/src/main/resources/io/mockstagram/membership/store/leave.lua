-- ARGV: name, incarnation ('' matches any), epoch_floor, since when the member stopped
-- working (ms, '' when it does not say)
local name, incarnation, floor, since = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] or ''

local problem = inconsistency()
if problem then
  return reply('INCONSISTENT', 0, 0, problem)
end
if older_than(floor) then
  -- Removing from an older copy would renumber members after a map nobody holds any more.
  return reply('FOREIGN')
end
local current = redis.call('HGET', K_INCARNATIONS, name)
if not current or (incarnation ~= '' and current ~= incarnation) then
  -- Already gone, or the name now belongs to a newer process: leave it alone.
  return reply('ABSENT')
end
remove(name, 'LEFT', floor, since)
return reply('LEFT')
