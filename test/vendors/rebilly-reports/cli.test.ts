import { decodeJwt, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServed, runCli, serveInProcess } from '../../helpers/cli.ts';
import { expectContract } from '../../helpers/contract.ts';

const REPORT =
  '/organizations/org_1/experimental/reports/subscription-cancellation?periodStart=2022-01-01T00:00:00Z&periodEnd=2025-12-31T00:00:00Z&aggregationField=canceledBy';
const key = (secret: string) => new TextEncoder().encode(secret);

afterEach(closeServed);

describe('churnmock jwt', () => {
  it('prints an HS256 token for the default secret that expires in an hour', async () => {
    const r = await runCli(['jwt']);
    expect(r.code).toBe(0);
    const { payload, protectedHeader } = await jwtVerify(
      r.stdout.trim(),
      key('jwt_secret_churnmock'),
    );
    expect(protectedHeader.alg).toBe('HS256');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
    expect(payload.permissions).toBeUndefined();
  });

  it('takes a secret (or CHURNMOCK_REBILLY_JWT_SECRET), a lifetime and permissions', async () => {
    const r = await runCli([
      'jwt',
      '--secret',
      's3cret',
      '--expires-in',
      '-1h',
      '--permissions',
      'A, B',
    ]);
    const token = r.stdout.trim();
    const claims = decodeJwt(token);
    expect(claims.exp).toBeLessThan(Date.now() / 1000);
    expect(claims.permissions).toEqual(['A', 'B']);
    await expect(jwtVerify(token, key('s3cret'))).rejects.toThrow(/exp/);
    const env = await runCli(['jwt'], { CHURNMOCK_REBILLY_JWT_SECRET: 'from-env' });
    await expect(jwtVerify(env.stdout.trim(), key('from-env'))).resolves.toBeTruthy();
  });

  it('rejects a lifetime it cannot read: a usage error, exit 2', async () => {
    const r = await runCli(['jwt', '--expires-in', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--expires-in must be a time span such as 1h/);
    expect(r.stderr).toContain('(run "churnmock jwt --help" for usage)');
  });

  it('serve --help lists the Rebilly flags', async () => {
    const { stdout } = await runCli(['serve', '--help']);
    expect(stdout).toContain('--rebilly-api-key');
    expect(stdout).toContain('--rebilly-jwt-secret');
    expect(stdout).toContain('--rebilly-restricted-key');
  });
});

describe('serve with Rebilly credentials from the environment', () => {
  it('prints the URL, the key and a working demo token; the old key is refused', async () => {
    const { url, output } = await serveInProcess(['--port', '0', '--scale', '0.05'], {
      CHURNMOCK_REBILLY_API_KEY: 'sk_test_env',
      CHURNMOCK_REBILLY_JWT_SECRET: 'env-secret',
      CHURNMOCK_REBILLY_RESTRICTED_KEY: 'sk_test_env_limited',
    });
    expect(output).toContain(
      `Rebilly Reports     ${url}/experimental/reports/subscription-cancellation`,
    );
    expect(output).toContain('REB-APIKEY: sk_test_env');
    const token = /demo token, valid until 2100:\s+(\S+)/.exec(output)?.[1] ?? '';
    await expect(jwtVerify(token, key('env-secret'))).resolves.toBeTruthy();
    const get = async (headers: Record<string, string>) => {
      const res = await fetch(`${url}${REPORT}`, { headers });
      const body = { status: res.status, body: await res.json() };
      await expectContract('GetOrganizationSubscriptionCancellationReport', body);
      return body.status;
    };
    expect(await get({ 'REB-APIKEY': 'sk_test_env' })).toBe(200);
    expect(await get({ Authorization: `Bearer ${token}` })).toBe(200);
    expect(await get({ 'REB-APIKEY': 'sk_test_churnmock' })).toBe(401);
    expect(await get({ 'REB-APIKEY': 'sk_test_env_limited' })).toBe(403);
    expect(await get({ 'REB-APIKEY': 'sk_test_noreports' })).toBe(401);
  });
});
