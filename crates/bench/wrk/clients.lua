-- Prepended to the scripts that hash: the client address each request claims through the
-- trusted proxy (the benchmark itself), so that a load models many clients, or one.
-- `clients` is "request" (a new address every request), "thread" (one address per wrk thread)
-- or one fixed address.
local clients, sent = "request", 0

function client_address()
  sent = sent + 1
  if clients == "request" then
    return string.format("10.%d.%d.%d", (id or 0) % 256, math.floor(sent / 250) % 250, sent % 250 + 1)
  elseif clients == "thread" then
    return string.format("192.0.2.%d", (id or 0) % 250 + 1)
  end
  return clients
end

function set_clients(arg)
  clients = arg or "request"
end
