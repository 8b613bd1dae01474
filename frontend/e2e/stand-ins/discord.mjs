// Discord's OAuth2 endpoints on loopback: an authorize page with a login name, a token
// endpoint, and /users/@me. The login name becomes `<name>@example.com`, verified.
import { createHash } from "node:crypto";
import { createServer } from "node:http";

const port = Number(process.env.DISCORD_PORT ?? 4001);
const codes = new Map(); // code -> { user, challenge }
const tokens = new Map(); // access token -> user

const html = (body) =>
  `<!doctype html><html lang="en"><head><title>Discord stand-in</title></head><body>${body}</body></html>`;
const escape = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const idOf = (user) =>
  String(BigInt(`0x${createHash("sha256").update(user).digest("hex").slice(0, 12)}`));

function send(res, status, body, type = "application/json") {
  res.writeHead(status, { "content-type": type });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

async function readBody(req) {
  let data = "";
  for await (const chunk of req) data += chunk;
  return data;
}

createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
  if (req.method === "GET" && url.pathname === "/oauth2/authorize") {
    const fields = ["redirect_uri", "state", "code_challenge"]
      .map(
        (k) => `<input type="hidden" name="${k}" value="${escape(url.searchParams.get(k) ?? "")}">`,
      )
      .join("");
    return send(
      res,
      200,
      html(`<form method="get" action="/oauth2/approve">${fields}
        <label>Login <input name="login"></label><button type="submit">Authorize</button></form>`),
      "text/html",
    );
  }
  if (req.method === "GET" && url.pathname === "/oauth2/approve") {
    const code = crypto.randomUUID();
    codes.set(code, {
      user: url.searchParams.get("login") || "discorder",
      challenge: url.searchParams.get("code_challenge"),
    });
    const back = new URL(url.searchParams.get("redirect_uri") ?? "");
    back.searchParams.set("code", code);
    back.searchParams.set("state", url.searchParams.get("state") ?? "");
    res.writeHead(302, { location: back.toString() });
    return res.end();
  }
  if (req.method === "POST" && url.pathname === "/api/oauth2/token") {
    const form = new URLSearchParams(await readBody(req));
    const grant = codes.get(form.get("code") ?? "");
    codes.delete(form.get("code") ?? "");
    const verifier = form.get("code_verifier") ?? "";
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    if (!grant || grant.challenge !== challenge) return send(res, 400, { error: "invalid_grant" });
    const token = crypto.randomUUID();
    tokens.set(token, grant.user);
    return send(res, 200, {
      access_token: token,
      token_type: "Bearer",
      expires_in: 600,
      scope: "identify email",
    });
  }
  if (req.method === "GET" && url.pathname === "/api/users/@me") {
    const user = tokens.get((req.headers.authorization ?? "").replace(/^Bearer /, ""));
    if (!user) return send(res, 401, { message: "401: Unauthorized" });
    return send(res, 200, {
      id: idOf(user),
      username: user,
      global_name: `${user.charAt(0).toUpperCase()}${user.slice(1)} Discord`,
      email: `${user}@example.com`,
      verified: true,
      avatar: null,
    });
  }
  send(res, 404, { message: "not found" });
}).listen(port, "127.0.0.1", () => console.log(`discord stand-in ready on ${port}`));
