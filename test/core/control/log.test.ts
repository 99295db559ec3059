import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createMockFrom } from '../../../mock/app.ts';
import { Logger, reasonOf } from '../../../mock/core/control/log.ts';
import { FakeScheduler } from '../../../mock/core/time/scheduler.ts';
import type { Mock } from '../../../mock/create.ts';
import { REGISTRY } from '../../../mock/registry.ts';
import { CK_HEADERS, SESSIONS } from '../../helpers/mock.ts';
import { until } from '../../helpers/wait.ts';

const T0 = Date.parse('2026-01-20T15:30:00Z');

function logger(
  format: 'pretty' | 'json' | 'off',
  level: 'debug' | 'info' | 'warn' | 'error' = 'info',
) {
  const lines: string[] = [];
  return {
    lines,
    log: new Logger(
      format,
      level,
      (l) => lines.push(l),
      () => T0,
    ),
  };
}

const access = {
  method: 'GET',
  url: '/v1/data/sessions?limit=0',
  status: 400,
  durationMs: 3.4,
  vendor: 'Churnkey Data API',
  operation: 'listSessions',
  stub: null,
  fault: null,
  delayMs: 0,
  reason: 'limit must be >= 1',
};

describe('Logger', () => {
  it('pretty: time, level, request, status, duration, operation and why it was refused', () => {
    const { lines, log } = logger('pretty');
    log.access(access);
    expect(lines).toEqual([
      '2026-01-20T15:30:00.000Z INFO  GET /v1/data/sessions?limit=0 400 3ms Churnkey Data API listSessions — limit must be >= 1\n',
    ]);
  });

  it('json: one object a line with every field', () => {
    const { lines, log } = logger('json');
    log.access({ ...access, status: null, fault: 'EMPTY_RESPONSE', stub: 'outage', reason: null });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toEqual({
      time: '2026-01-20T15:30:00.000Z',
      level: 'warn',
      msg: 'request',
      ...access,
      status: null,
      fault: 'EMPTY_RESPONSE',
      stub: 'outage',
      reason: null,
    });
  });

  it('levels: warn drops info lines; off writes nothing', () => {
    const warn = logger('pretty', 'warn');
    warn.log.access({ ...access, status: 200, reason: null });
    warn.log.log('info', 'started');
    warn.log.access({ ...access, status: 503, reason: 'down' });
    expect(warn.lines).toHaveLength(1);
    expect(warn.lines[0]).toMatch(/^\S+ WARN {2}GET .* 503 .*— down\n$/);
    const off = logger('off', 'debug');
    off.log.access(access);
    off.log.log('error', 'x');
    expect(off.lines).toEqual([]);
    expect(off.log.enabled('error')).toBe(false);
  });

  it('reasonOf reads every vendor’s error shape', () => {
    expect(reasonOf({ message: 'a' })).toBe('a');
    expect(reasonOf({ error: { code: 'x', message: 'b' } })).toBe('b');
    expect(reasonOf({ type: 'about:blank', title: 'Bad Request', detail: 'c' })).toBe('c');
    expect(reasonOf([1])).toBeNull();
    expect(reasonOf('x')).toBeNull();
  });
});

describe('the access log of a mock', () => {
  async function logged(format: 'pretty' | 'json', level: 'info' | 'warn' = 'info') {
    const lines: string[] = [];
    const scheduler = new FakeScheduler(T0);
    const mock = (await createMockFrom(
      REGISTRY,
      { logFormat: format, logLevel: level },
      { scheduler, logSink: (l) => lines.push(l) },
    )) as unknown as Mock;
    return { mock, lines };
  }

  it('one line per request: operation, status, why a 400 was refused, the stub that answered', async () => {
    const { mock, lines } = await logged('json');
    await request(mock.app).get(SESSIONS).query({ limit: 2 }).set(CK_HEADERS).expect(200);
    await request(mock.app).get(SESSIONS).query({ limit: 0 }).set(CK_HEADERS).expect(400);
    await request(mock.app).get('/nowhere').expect(404);
    mock.control.stubs.add({
      name: 'outage',
      request: { urlPath: SESSIONS },
      response: { status: 503 },
    });
    await request(mock.app).get(SESSIONS).set(CK_HEADERS).expect(503);
    await request(mock.app).get('/__admin/health').expect(200);
    await until(() => lines.length >= 4);
    const records = lines.map((l) => JSON.parse(l));
    expect(records.map((r) => [r.level, r.method, r.url, r.status, r.operation, r.stub])).toEqual([
      ['info', 'GET', `${SESSIONS}?limit=2`, 200, 'listSessions', null],
      ['info', 'GET', `${SESSIONS}?limit=0`, 400, 'listSessions', null],
      ['info', 'GET', '/nowhere', 404, null, null],
      ['warn', 'GET', SESSIONS, 503, null, 'outage'],
    ]);
    expect(records[1].reason).toMatch(/limit/);
    expect(records[2].reason).toMatch(/No route/);
    for (const r of records) expect(r.time).toBe('2026-01-20T15:30:00.000Z');
  });

  it('pretty lines, and a warn level keeps only failures', async () => {
    const { mock, lines } = await logged('pretty', 'warn');
    await request(mock.app).get(SESSIONS).set(CK_HEADERS).expect(200);
    mock.control.stubs.add({ request: { urlPath: SESSIONS }, response: { status: 500 } });
    await request(mock.app).get(SESSIONS).set(CK_HEADERS).expect(500);
    await until(() => lines.length >= 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      / WARN {2}GET \/v1\/data\/sessions 500 \d+ms Churnkey Data API stub [0-9a-f-]{36}/,
    );
  });

  it('logFormat off (the default) writes nothing', async () => {
    const lines: string[] = [];
    const mock = (await createMockFrom(
      REGISTRY,
      {},
      { logSink: (l) => lines.push(l) },
    )) as unknown as Mock;
    await request(mock.app).get(SESSIONS).set(CK_HEADERS).expect(200);
    expect(lines).toEqual([]);
  });

  it('a webhook attempt that failed, when it retries, and when it gives up', async () => {
    const lines: string[] = [];
    const scheduler = new FakeScheduler(T0);
    const mock = (await createMockFrom(
      REGISTRY,
      {
        logFormat: 'pretty',
        webhooks: { urls: ['http://127.0.0.1:9/hooks'], maxAttempts: 2, backoffMs: 1000 },
      },
      { scheduler, logSink: (l) => lines.push(l) },
    )) as unknown as Mock;
    const res = await request(mock.app)
      .post('/__admin/webhooks/trigger')
      .send({ event: 'cancellation.retained' });
    expect(res.status).toBe(202);
    const failed = () => lines.filter((l) => l.includes(' WARN  webhook '));
    for (let i = 0; i < 200 && failed().length < 1; i++) {
      scheduler.advance(0);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(failed()[0]).toMatch(
      /WARN {2}webhook cancellation\.retained to http:\/\/127\.0\.0\.1:9\/hooks attempt 1 failed: .+; retrying at 2026-01-20T15:30:01\.000Z/,
    );
    for (let i = 0; i < 200 && failed().length < 2; i++) {
      scheduler.advance(1000);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(failed()[1]).toMatch(/failed for good after 2 attempts/);
    mock.stop();
  });
});
