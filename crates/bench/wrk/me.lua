-- GET /api/auth/me, each request signed in as the next of the benchmark's users.
-- args: a file of access tokens, one per line.
local requests, n, i = {}, 0, 0

function init(args)
  for token in io.lines(args[1]) do
    n = n + 1
    requests[n] = wrk.format("GET", "/api/auth/me", { ["Authorization"] = "Bearer " .. token })
  end
  -- Threads start at different users, so no two connections move in step.
  i = (id or 0) * 7919 % n
end

function setup(thread)
  threads = (threads or 0) + 1
  thread:set("id", threads)
end

function request()
  i = i % n + 1
  return requests[i]
end
