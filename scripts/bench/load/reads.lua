-- The reading side of the mixed benchmark: the map's heat request, a random profile, a random search, by turns.
dofile(os.getenv("LOAD_DIR") .. "/report.lua")
local max_id = tonumber(os.getenv("LOAD_MAX_ID") or "1000000")
local map = os.getenv("LOAD_MAP_PATH")
local letters = "abcdefghijklmnopqrstuvwxyz"
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
local n = 0
request = function()
  n = n + 1
  local k = n % 3
  if k == 0 then
    return wrk.format("GET", map, { ["Accept-Encoding"] = "gzip" })
  elseif k == 1 then
    return wrk.format("GET", "/api/v1/enterprises/" .. math.random(1, max_id))
  end
  local a, b, c = math.random(1, 26), math.random(1, 26), math.random(1, 26)
  return wrk.format("GET", "/api/v1/search?q=" .. letters:sub(a, a) .. letters:sub(b, b) .. letters:sub(c, c))
end
