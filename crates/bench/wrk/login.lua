-- POST /api/auth/login with the right password, cycling through the benchmark's users.
-- args: a file of emails, one per line; the password they share.
local requests, n, i = {}, 0, 0

function setup(thread)
  threads = (threads or 0) + 1
  thread:set("id", threads)
end

function init(args)
  local headers = { ["Content-Type"] = "application/json" }
  for email in io.lines(args[1]) do
    n = n + 1
    local body = string.format('{"email":"%s","password":"%s"}', email, args[2])
    requests[n] = wrk.format("POST", "/api/auth/login", headers, body)
  end
  i = (id or 0) * 7919 % n
end

function request()
  i = i % n + 1
  return requests[i]
end
