-- POST /api/auth/login with the right password, cycling through the benchmark's users.
-- args: a file of emails, one per line; the password they share; the clients (see clients.lua).
local bodies, n, i = {}, 0, 0

function setup(thread)
  threads = (threads or 0) + 1
  thread:set("id", threads)
end

function init(args)
  for email in io.lines(args[1]) do
    n = n + 1
    bodies[n] = string.format('{"email":"%s","password":"%s"}', email, args[2])
  end
  set_clients(args[3])
  i = (id or 0) * 7919 % n
end

function request()
  i = i % n + 1
  local headers = { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = client_address() }
  return wrk.format("POST", "/api/auth/login", headers, bodies[i])
end
