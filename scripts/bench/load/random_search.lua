-- An anonymous search flood with a different two-letter text every time (a cache cannot absorb it).
dofile(os.getenv("LOAD_DIR") .. "/report.lua")
local letters = "abcdefghijklmnopqrstuvwxyz"
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
request = function()
  local a, b = math.random(1, 26), math.random(1, 26)
  return wrk.format("GET", "/api/v1/search?q=" .. letters:sub(a, a) .. letters:sub(b, b))
end
