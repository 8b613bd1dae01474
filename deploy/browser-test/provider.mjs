// A real OpenID Connect provider on loopback, standing in for Google in the browser test.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT ?? 4000);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID ?? 'yoshikosan-browser-test',
    client_secret: process.env.OIDC_CLIENT_SECRET ?? 'browser-test-secret',
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
  // Put the requested claims in the ID token itself, as Google does.
  conformIdTokenClaims: false,
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, email: `${id}@example.com`, email_verified: true, name: 'Browser Tester' }),
  }),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['browser-test-only-cookie-key'] },
});
// Google is asked to let a person pick one of their accounts (prompt=select_account). Here
// each login is one account, so that prompt is taken as answered before the provider reads it.
provider.use(async (ctx, next) => {
  if (ctx.path === '/auth' && typeof ctx.query.prompt === 'string') {
    const { prompt, ...rest } = ctx.query;
    const others = prompt.split(' ').filter((p) => p !== 'select_account');
    ctx.query = others.length ? { ...rest, prompt: others.join(' ') } : rest;
  }
  await next();
});
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider ready at ${issuer}`));
