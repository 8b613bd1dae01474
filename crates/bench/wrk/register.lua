-- POST /api/auth/register, every request a new account.
-- args: a prefix unique to this run; the password.
local prefix, password, count = "", "", 0
local headers = { ["Content-Type"] = "application/json" }

function setup(thread)
  threads = (threads or 0) + 1
  thread:set("id", threads)
end

function init(args)
  prefix = args[1] .. "-" .. (id or 0)
  password = args[2]
end

function request()
  count = count + 1
  local body = string.format('{"email":"%s-%d@bench.example.com","password":"%s","name":"Bench %d"}',
    prefix, count, password, count)
  return wrk.format("POST", "/api/auth/register", headers, body)
end
