// A real OpenID Connect provider on loopback (npm's oidc-provider), standing in for Google, and,
// started again on another port, for any OpenID Connect provider of OIDC_PROVIDERS.
// Whatever login name the test types becomes the account: `<name>@<OIDC_EMAIL_DOMAIN>`, verified
// (a login that is itself an address is that address, so a test can bring one outside the domain).
//
//   OIDC_PORT            where it listens, on 127.0.0.1; the issuer is http://127.0.0.1:<port>
//   OIDC_REDIRECT_URIS   the client's redirect URIs, comma-separated
//   OIDC_CLIENT_ID       default yoshikosan-e2e
//   OIDC_CLIENT_SECRET   default e2e-google-secret
//   OIDC_LABEL           default Google: the last word of each person's name ("Gina Google"), and
//                        what its cookies are named after, so that two instances on 127.0.0.1
//                        (cookies ignore the port) keep their sessions apart
//   OIDC_EMAIL_DOMAIN    default example.com
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT ?? 4000);
const issuer = `http://127.0.0.1:${port}`;
const redirects = (process.env.OIDC_REDIRECT_URIS ?? "").split(",").filter(Boolean);
const label = process.env.OIDC_LABEL ?? "Google";
const domain = process.env.OIDC_EMAIL_DOMAIN ?? "example.com";
const cookiePrefix = label === "Google" ? "" : `_${label.toLowerCase().replace(/[^a-z0-9]/g, "")}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID ?? "yoshikosan-e2e",
      client_secret: process.env.OIDC_CLIENT_SECRET ?? "e2e-google-secret",
      redirect_uris: redirects,
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "picture"] },
  // The requested claims go in the ID token itself, as Google does.
  conformIdTokenClaims: false,
  findAccount: async (_ctx, id) => {
    const local = id.includes("@") ? id.slice(0, id.indexOf("@")) : id;
    return {
      accountId: id,
      claims: async () => ({
        sub: id,
        email: id.includes("@") ? id : `${id}@${domain}`,
        email_verified: true,
        name: `${local.charAt(0).toUpperCase()}${local.slice(1)} ${label}`,
      }),
    };
  },
  features: { devInteractions: { enabled: true } },
  cookies: {
    keys: ["e2e-only-cookie-key"],
    ...(cookiePrefix && {
      names: {
        session: `${cookiePrefix}_session`,
        interaction: `${cookiePrefix}_interaction`,
        resume: `${cookiePrefix}_interaction_resume`,
      },
    }),
  },
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
provider.listen(port, "127.0.0.1", () =>
  console.log(`${label.toLowerCase()} stand-in ready at ${issuer}`),
);
