-- A plain GET of the path wrk was given, optionally paced: args[1] is the pause in
-- milliseconds between one connection's requests (0 or absent: none), which makes it a probe
-- of responsiveness rather than a load.
local pause = 0

function init(args)
  pause = tonumber(args[1] or "0")
end

function delay()
  return pause
end
