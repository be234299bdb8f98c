-- Enterprise profiles picked at random among the first LOAD_MAX_ID ids (each a store read, rarely cached).
dofile(os.getenv("LOAD_DIR") .. "/report.lua")
local max_id = tonumber(os.getenv("LOAD_MAX_ID") or "1000000")
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
request = function()
  return wrk.format("GET", "/api/v1/enterprises/" .. math.random(1, max_id))
end
