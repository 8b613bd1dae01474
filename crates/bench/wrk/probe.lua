-- A paced GET of the path wrk was given: args[1] is the pause in milliseconds between one
-- connection's requests, which makes it a probe of responsiveness rather than a load.
local pause = 10

function init(args)
  pause = tonumber(args[1] or "10")
end

function delay()
  return pause
end
