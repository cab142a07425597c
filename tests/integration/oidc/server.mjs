// A real OpenID provider for motcua's sign-in tests: the npm package
// oidc-provider on loopback, with the device flow, refresh-token rotation
// and revocation on, and its built-in development login/consent pages (the
// tests drive them with curl).  It sends no `interval` (oidc-provider does
// not) and never `slow_down`, so the client must cope with both.
// Usage: node server.mjs PORT     (prints "ready ISSUER" when listening)
import { appendFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'motcua',
    token_endpoint_auth_method: 'none',
    grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    response_types: [],
    redirect_uris: [],
  }],
  features: {
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
    devInteractions: { enabled: true },
  },
  scopes: ['openid', 'offline_access', 'profile'],
  claims: { openid: ['sub'], profile: ['name'] },
  // A refresh token is issued for the device grant whenever offline_access
  // was asked for, and rotated on every use.
  issueRefreshToken: async (ctx, client, code) =>
    client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  rotateRefreshToken: true,
  findAccount: async (ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, name: 'Nguyễn Thị Đào (oidc-provider test)' }),
  }),
  ttl: { AccessToken: 600, DeviceCode: 600, RefreshToken: 3600, Grant: 3600, Session: 3600,
         Interaction: 600 },
  cookies: { keys: ['motcua-test-cookie-key-not-secret'] },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));

// For the leak test only: the values of issued tokens (opaque tokens are
// their jti) go to this file, which the test keeps out of what it searches.
if (process.env.MOTCUA_TEST_TOKEN_LOG) {
  const log = (t) => appendFileSync(process.env.MOTCUA_TEST_TOKEN_LOG, `${t.jti}\n`);
  provider.on('access_token.saved', log);
  provider.on('refresh_token.saved', log);
}

provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
