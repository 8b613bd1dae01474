// A real OpenID Connect provider on loopback (npm's oidc-provider), standing in for Google.
// Whatever login name the test types becomes the account: `<name>@example.com`, verified.
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT ?? 4000);
const issuer = `http://127.0.0.1:${port}`;
const redirects = (process.env.OIDC_REDIRECT_URIS ?? "").split(",").filter(Boolean);
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "yoshikosan-e2e",
      client_secret: "e2e-google-secret",
      redirect_uris: redirects,
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "picture"] },
  // The requested claims go in the ID token itself, as Google does.
  conformIdTokenClaims: false,
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({
      sub: id,
      email: `${id}@example.com`,
      email_verified: true,
      name: `${id.charAt(0).toUpperCase()}${id.slice(1)} Google`,
    }),
  }),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["e2e-only-cookie-key"] },
});
// Google is asked to let a person pick one of their accounts (prompt=select_account). Here
// each login is one account, so that prompt is taken as answered before the provider reads it.
provider.use(async (ctx, next) => {
  if (ctx.path === "/auth" && typeof ctx.query.prompt === "string") {
    const { prompt, ...rest } = ctx.query;
    const others = prompt.split(" ").filter((p) => p !== "select_account");
    ctx.query = others.length ? { ...rest, prompt: others.join(" ") } : rest;
  }
  await next();
});
provider.listen(port, "127.0.0.1", () => console.log(`google stand-in ready at ${issuer}`));
