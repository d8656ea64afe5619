-- ARGV: epoch_floor, the generation id for the rebuilt map
-- The rebuild path: a map that is inconsistent, or older than an epoch the caller has seen,
-- is replaced by an empty one of a new generation; its members fence themselves and rejoin.
-- A consistent, current map is left alone, so that many callers may ask at once.
local floor, new_generation = tonumber(ARGV[1]), ARGV[2]
local problem = inconsistency()
if not problem and not older_than(floor) then
  return reply('CONSISTENT')
end
reset_map(floor, new_generation)
return reply('REPAIRED', 0, 0, problem or ('older than epoch ' .. floor))
