-- urls.lua - wrk script: each request asks for the next file of the list in
-- $URLS (one file name a line), so the load spreads over every phone.
local paths = {}
local n = 0
local i = 0

for line in io.lines(os.getenv("URLS")) do
    n = n + 1
    paths[n] = "/" .. line
end

request = function()
    i = i % n + 1
    return wrk.format("GET", paths[i])
end
