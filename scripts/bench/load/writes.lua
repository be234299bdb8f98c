-- The writing side of the mixed benchmark, signed in (LOAD_COOKIE, LOAD_CSRF): a supply-demand post to the record
-- store and the account's saved settings to the accounts store, by turns.
dofile(os.getenv("LOAD_DIR") .. "/report.lua")
local headers = {
  ["Cookie"] = os.getenv("LOAD_COOKIE"),
  ["X-CSRF-Token"] = os.getenv("LOAD_CSRF"),
  ["Content-Type"] = "application/json",
}
local n = 0
request = function()
  n = n + 1
  if n % 2 == 0 then
    local body = string.format('{"kind":"supply","poster":"压测","title":"液压油缸供应 %d"}', n)
    return wrk.format("POST", "/api/v1/market/items", headers, body)
  end
  return wrk.format("PUT", "/api/v1/auth/preferences", headers, string.format('{"load":%d}', n))
end
