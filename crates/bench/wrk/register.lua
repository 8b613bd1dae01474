-- POST /api/auth/register, every request a new account.
-- args: a prefix unique to this run; the password; the clients (see clients.lua).
local prefix, password, count = "", "", 0

function setup(thread)
  threads = (threads or 0) + 1
  thread:set("id", threads)
end

function init(args)
  prefix = args[1] .. "-" .. (id or 0)
  password = args[2]
  set_clients(args[3])
end

function request()
  count = count + 1
  local body = string.format('{"email":"%s-%d@bench.example.com","password":"%s","name":"Bench %d"}',
    prefix, count, password, count)
  local headers = { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = client_address() }
  return wrk.format("POST", "/api/auth/register", headers, body)
end
