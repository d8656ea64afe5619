-- GET /api/v1/influencers/{pk} with a random pk in the default range, for wrk:
--   wrk -t2 -c64 -d10s -s app/src/test/resources/wrk/random-pk.lua http://localhost:3000
-- Set INFLUENCERS in the environment when the API serves a different number.
local influencers = tonumber(os.getenv("INFLUENCERS") or "1000000")

function setup(thread)
  thread:set("id", math.random(1, 1000000))
end

function init(args)
  math.randomseed(id + os.time())
end

function request()
  return wrk.format("GET", "/api/v1/influencers/" .. (1000000 + math.random(0, influencers - 1)))
end
