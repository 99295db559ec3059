import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServed, runCli, serveInProcess } from '../../helpers/cli.ts';
import { expectContract } from '../../helpers/contract.ts';

afterEach(closeServed);

const dir = mkdtempSync(join(tmpdir(), 'churnmock-flow-'));

describe('serve: hosted-flow flags', () => {
  it('--flow, --customer-data-url, --churnkey-api-key and the timeout configure the simulator', async () => {
    const flow = join(dir, 'flow.json');
    writeFileSync(
      flow,
      JSON.stringify({
        name: 'json flow',
        survey: { choices: ['Too expensive'] },
        steps: [{ id: 'call-us', offer: { type: 'CONTACT' } }],
      }),
    );
    const { url, output } = await serveInProcess([
      '--port',
      '0',
      '--flow',
      flow,
      '--customer-data-url',
      'http://127.0.0.1:9/customer-data',
      '--churnkey-api-key',
      'ck_live_x',
      '--customer-data-timeout-ms',
      '700',
    ]);
    expect(output).toMatch(
      /Churnkey hosted flow http:\/\/\S+\/churnkey\/flow\?customerId=cus_\w+&authHash=[0-9a-f]{64}/,
    );
    expect(output).toContain('customer data endpoint: http://127.0.0.1:9/customer-data');
    const res = await request(url).get('/__admin/churnkey/flow');
    await expectContract('getHostedFlowConfig', res);
    expect(res.body).toMatchObject({
      customerDataUrl: 'http://127.0.0.1:9/customer-data',
      apiKey: 'ck_live_x',
      timeoutMs: 700,
      flow: { name: 'json flow' },
    });
  });

  it.each([
    [['--customer-data-url', 'ftp://x'], /must be an http\(s\) URL/, 2],
    [['--customer-data-timeout-ms', '0'], /customer-data-timeout-ms must be an integer/, 2],
    [['--customer-data-timeout-ms', '1e3'], /customer-data-timeout-ms must be an integer/, 2],
    [['--flow', '/nonexistent/flow.yaml'], /Invalid Cancel Flow definition .*ENOENT/, 1],
  ])('%j is an error with a clear message and its exit code', async (args, message, code) => {
    const r = await runCli(['serve', '--port', '0', ...args]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it('a flow file that does not validate names every problem and exits 1', async () => {
    const flow = join(dir, 'bad.yaml');
    writeFileSync(flow, 'survey: {choices: []}\nsteps:\n  - id: x\n    offer: {type: PAUSE}\n');
    const r = await runCli(['serve', '--port', '0', '--flow', flow]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/survey\/choices must NOT have fewer than 1 items/);
    expect(r.stderr).toMatch(/maxPauseLength/);
  });
});
