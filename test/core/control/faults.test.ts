import { Agent, createServer, get, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  applyFault,
  checkDelay,
  checkFault,
  type DelaySpec,
  FAULTS,
  type FaultName,
  FaultSpecError,
  sampleDelay,
  seededRandom,
} from '../../../mock/core/control/faults.ts';

// --- Helpers -----------------------------------------------------------------------------

const GET = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';

/** What a raw TCP client saw: every byte, and how the stream ended ('end', 'close' or an error code). */
interface RawOutcome {
  readonly bytes: Buffer;
  readonly ending: string;
}

/** Sends `request` on a new raw connection and collects what comes back until the socket closes. */
function rawRequest(port: number, request: string = GET): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let ending: string | undefined;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      ending ??= 'end';
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      ending ??= err.code ?? err.message;
    });
    socket.on('close', () => resolve({ bytes: Buffer.concat(chunks), ending: ending ?? 'close' }));
    socket.write(request);
  });
}

/** What node's http client saw: a status if a response head arrived, the error, the body if it completed. */
interface HttpOutcome {
  status?: number;
  error?: string;
  body?: string;
}

function httpGet(port: number, path = '/', agent: Agent | false = false): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    const outcome: HttpOutcome = {};
    const req = get({ host: '127.0.0.1', port, path, agent }, (res) => {
      outcome.status = res.statusCode;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        outcome.body = body;
      });
      res.on('error', (err: NodeJS.ErrnoException) => {
        outcome.error ??= err.code ?? err.message;
      });
      res.on('close', () => resolve(outcome));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      outcome.error ??= err.code ?? err.message;
      // The response's 'close' resolves when a head arrived; otherwise this is the end.
      if (outcome.status === undefined) resolve(outcome);
    });
  });
}

interface TestServer {
  readonly port: number;
  readonly server: Server;
  readonly clientErrors: Error[];
  readonly connections: () => number;
}

const servers: Server[] = [];

/** A plain node:http server on 127.0.0.1, port 0; its clientErrors and connections are recorded. */
async function startServer(handler: RequestListener): Promise<TestServer> {
  const server = createServer(handler);
  const clientErrors: Error[] = [];
  let connections = 0;
  server.on('clientError', (err: Error, socket) => {
    clientErrors.push(err);
    socket.destroy();
  });
  server.on('connection', () => {
    connections++;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    clientErrors,
    connections: () => connections,
  };
}

/** A server answering `/ok` with 200 "ok" and applying `fault` to every other path. */
function faultServer(fault: FaultName, seed = 1): Promise<TestServer> {
  return startServer((req, res) => {
    if (req.url === '/ok') {
      res.end('ok');
      return;
    }
    applyFault(res, fault, seededRandom(seed));
  });
}

const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);

beforeAll(() => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
});

afterAll(() => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
});

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  expect(uncaught).toEqual([]);
});

/** The head (up to the blank line) and what follows it, of a raw response. */
function splitHead(bytes: Buffer): { head: string; rest: Buffer } {
  const end = bytes.indexOf('\r\n\r\n');
  expect(end).toBeGreaterThan(0);
  return { head: bytes.subarray(0, end).toString('latin1'), rest: bytes.subarray(end + 4) };
}

// --- Faults ------------------------------------------------------------------------------

describe('applyFault, as a raw TCP client sees it', () => {
  it('CONNECTION_RESET_BY_PEER: a reset (ECONNRESET) with no bytes', async () => {
    const { port, clientErrors } = await faultServer('CONNECTION_RESET_BY_PEER');
    const { bytes, ending } = await rawRequest(port);
    expect(ending).toBe('ECONNRESET');
    expect(bytes.length).toBe(0);
    expect(clientErrors).toEqual([]);
  });

  it('EMPTY_RESPONSE: the stream ends with no bytes', async () => {
    const { port, clientErrors } = await faultServer('EMPTY_RESPONSE');
    const { bytes, ending } = await rawRequest(port);
    expect(['end', 'close']).toContain(ending);
    expect(bytes.length).toBe(0);
    expect(clientErrors).toEqual([]);
  });

  it('MALFORMED_RESPONSE_CHUNK: a 200 head with chunked encoding, then invalid chunk framing', async () => {
    const { port, clientErrors } = await faultServer('MALFORMED_RESPONSE_CHUNK');
    const { bytes, ending } = await rawRequest(port);
    expect(ending).toBe('end');
    expect(bytes.subarray(0, 12).toString('latin1')).toBe('HTTP/1.1 200');
    const { head, rest } = splitHead(bytes);
    expect(head.toLowerCase()).toContain('\r\ntransfer-encoding: chunked');
    expect(head.toLowerCase()).not.toContain('content-length');
    expect(rest.length).toBeGreaterThan(0);
    // A valid chunk starts with a hex size line; this one does not.
    expect(rest.toString('latin1')).not.toMatch(/^[0-9a-f]+(;[^\r\n]*)?\r\n/i);
    expect(clientErrors).toEqual([]);
  });

  it('RANDOM_DATA_THEN_CLOSE: 1–2 KB of bytes that are not an HTTP response, then the end', async () => {
    const { port, clientErrors } = await faultServer('RANDOM_DATA_THEN_CLOSE');
    const { bytes, ending } = await rawRequest(port);
    expect(ending).toBe('end');
    expect(bytes.length).toBeGreaterThanOrEqual(1024);
    expect(bytes.length).toBeLessThanOrEqual(2048);
    expect(bytes.subarray(0, 5).toString('latin1')).not.toBe('HTTP/');
    expect(clientErrors).toEqual([]);
  });

  it('RANDOM_DATA_THEN_CLOSE: the same seed sends the same bytes, another seed others', async () => {
    const a = await rawRequest((await faultServer('RANDOM_DATA_THEN_CLOSE', 7)).port);
    const b = await rawRequest((await faultServer('RANDOM_DATA_THEN_CLOSE', 7)).port);
    const c = await rawRequest((await faultServer('RANDOM_DATA_THEN_CLOSE', 8)).port);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.bytes.equals(c.bytes)).toBe(false);
  });

  it.each(FAULTS)('%s: the same with a large request body left unread', async (fault) => {
    const { port } = await faultServer(fault);
    const body = 'a'.repeat(256 * 1024);
    const request = `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const { bytes, ending } = await rawRequest(port, request);
    if (fault === 'CONNECTION_RESET_BY_PEER') {
      expect(ending).toBe('ECONNRESET');
      expect(bytes.length).toBe(0);
    } else {
      expect(ending).toBe('end');
      if (fault === 'EMPTY_RESPONSE') expect(bytes.length).toBe(0);
      if (fault === 'MALFORMED_RESPONSE_CHUNK')
        expect(bytes.toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
      if (fault === 'RANDOM_DATA_THEN_CLOSE') expect(bytes.length).toBeGreaterThanOrEqual(1024);
    }
  });

  it.each(FAULTS)('%s: the same after the request body was read', async (fault) => {
    const { port } = await startServer((req, res) => {
      req.resume();
      req.on('end', () => applyFault(res, fault, seededRandom(1)));
    });
    const request = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello';
    const { bytes, ending } = await rawRequest(port, request);
    expect(ending).toBe(fault === 'CONNECTION_RESET_BY_PEER' ? 'ECONNRESET' : 'end');
    expect(bytes.length === 0).toBe(
      fault === 'CONNECTION_RESET_BY_PEER' || fault === 'EMPTY_RESPONSE',
    );
  });

  it.each(FAULTS)('%s: writing to the response afterwards sends nothing more', async (fault) => {
    const clean = await rawRequest((await faultServer(fault)).port);
    const { port, clientErrors } = await startServer((_req, res) => {
      applyFault(res, fault, seededRandom(1));
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('should never be seen');
    });
    const { bytes, ending } = await rawRequest(port);
    expect(ending).toBe(clean.ending);
    expect(bytes.equals(clean.bytes)).toBe(true);
    expect(bytes.toString('latin1')).not.toContain('should never be seen');
    expect(clientErrors).toEqual([]);
  });

  it.each(FAULTS)('%s: the response emits close and ends up destroyed', async (fault) => {
    let closed: Promise<boolean> | undefined;
    const { port } = await startServer((_req, res) => {
      closed = new Promise((resolve) => res.on('close', () => resolve(res.destroyed)));
      applyFault(res, fault, seededRandom(1));
    });
    await rawRequest(port);
    expect(await closed).toBe(true);
  });
});

describe('applyFault, as node:http clients see it', () => {
  it.each(FAULTS)('%s: http.get gets an error, not a complete response', async (fault) => {
    const { port, clientErrors } = await faultServer(fault);
    const outcome = await httpGet(port);
    expect(outcome.error).toBeDefined();
    expect(outcome.body).toBeUndefined();
    if (fault === 'CONNECTION_RESET_BY_PEER' || fault === 'EMPTY_RESPONSE') {
      expect(outcome.error).toBe('ECONNRESET'); // "read ECONNRESET" / "socket hang up"
      expect(outcome.status).toBeUndefined();
    }
    if (fault === 'MALFORMED_RESPONSE_CHUNK') expect(outcome.error).toBe('HPE_INVALID_CHUNK_SIZE');
    if (fault === 'RANDOM_DATA_THEN_CLOSE') {
      expect(outcome.error).toMatch(/^HPE_/);
      expect(outcome.status).toBeUndefined();
    }
    expect(clientErrors).toEqual([]);
  });

  it.each(FAULTS)(
    '%s: the server serves a normal request on a new connection afterwards',
    async (fault) => {
      const { port, clientErrors } = await faultServer(fault);
      await rawRequest(port);
      expect(await httpGet(port, '/ok')).toEqual({ status: 200, body: 'ok' });
      await httpGet(port);
      expect(await httpGet(port, '/ok')).toEqual({ status: 200, body: 'ok' });
      expect(clientErrors).toEqual([]);
    },
  );

  it.each(FAULTS)('%s: a keep-alive connection is gone after the fault', async (fault) => {
    const { port, connections, clientErrors } = await faultServer(fault);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await httpGet(port, '/ok', agent)).toEqual({ status: 200, body: 'ok' });
      // Give the agent a moment to put the socket back in its pool.
      await new Promise((resolve) => setImmediate(resolve));
      expect((await httpGet(port, '/', agent)).error).toBeDefined();
      expect(connections()).toBe(1); // the fault hit the kept-alive connection
      expect(await httpGet(port, '/ok', agent)).toEqual({ status: 200, body: 'ok' });
      expect(connections()).toBe(2); // and the next request needed a new one
    } finally {
      agent.destroy();
    }
    expect(clientErrors).toEqual([]);
  });
});

// --- Checks ------------------------------------------------------------------------------

describe('checkDelay', () => {
  it('accepts each kind of delay and returns just the delay fields', () => {
    expect(checkDelay({})).toEqual({});
    expect(checkDelay({ fixedDelayMilliseconds: 0 })).toEqual({ fixedDelayMilliseconds: 0 });
    expect(checkDelay({ status: 200, body: 'x', fixedDelayMilliseconds: 2000 })).toEqual({
      fixedDelayMilliseconds: 2000,
    });
    const specs: DelaySpec[] = [
      { delayDistribution: { type: 'uniform', lower: 15, upper: 25 } },
      { delayDistribution: { type: 'uniform', lower: 20, upper: 20 } },
      { delayDistribution: { type: 'lognormal', median: 80, sigma: 0.4 } },
      { delayDistribution: { type: 'lognormal', median: 90, sigma: 0.1, maxValue: 200 } },
      { delayDistribution: { type: 'fixed', milliseconds: 500 } },
      { fixedDelayMilliseconds: 100, delayDistribution: { type: 'uniform', lower: 0, upper: 10 } },
      {
        fixedDelayMilliseconds: 30_000,
        delayDistribution: { type: 'fixed', milliseconds: 30_000 },
      },
    ];
    for (const spec of specs) expect(checkDelay(structuredClone(spec))).toEqual(spec);
  });

  it('treats null fields as absent', () => {
    expect(checkDelay({ fixedDelayMilliseconds: null, delayDistribution: null })).toEqual({});
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', 'slow', /a delay spec must be an object, got "slow"/],
    ['an array', [], /a delay spec must be an object, got an array/],
    [
      'a negative fixed delay',
      { fixedDelayMilliseconds: -1 },
      /fixedDelayMilliseconds must be a finite number >= 0, got -1/,
    ],
    [
      'a fixed delay as a string',
      { fixedDelayMilliseconds: '100' },
      /fixedDelayMilliseconds must be a finite number >= 0, got "100"/,
    ],
    [
      'a non-finite fixed delay',
      { fixedDelayMilliseconds: Number.POSITIVE_INFINITY },
      /fixedDelayMilliseconds .* got Infinity/,
    ],
    [
      'a NaN fixed delay',
      { fixedDelayMilliseconds: Number.NaN },
      /fixedDelayMilliseconds .* got NaN/,
    ],
    [
      'a distribution that is not an object',
      { delayDistribution: 'uniform' },
      /delayDistribution must be an object with a type \(one of "uniform", "lognormal", "fixed"\), got "uniform"/,
    ],
    [
      'an unknown type',
      { delayDistribution: { type: 'gaussian' } },
      /delayDistribution.type must be one of "uniform", "lognormal", "fixed", got "gaussian"/,
    ],
    [
      'a missing type',
      { delayDistribution: { lower: 1, upper: 2 } },
      /delayDistribution.type must be one of .* got undefined/,
    ],
    [
      'upper < lower',
      { delayDistribution: { type: 'uniform', lower: 20, upper: 10 } },
      /delayDistribution.upper \(10\) must be >= delayDistribution.lower \(20\)/,
    ],
    [
      'a missing upper',
      { delayDistribution: { type: 'uniform', lower: 20 } },
      /delayDistribution.upper must be a finite number >= 0, got undefined/,
    ],
    [
      'a negative lower',
      { delayDistribution: { type: 'uniform', lower: -5, upper: 10 } },
      /delayDistribution.lower must be a finite number >= 0, got -5/,
    ],
    [
      'a negative median',
      { delayDistribution: { type: 'lognormal', median: -1, sigma: 0.1 } },
      /delayDistribution.median must be a finite number >= 0, got -1/,
    ],
    [
      'a non-finite sigma',
      { delayDistribution: { type: 'lognormal', median: 80, sigma: Number.NaN } },
      /delayDistribution.sigma must be a finite number >= 0, got NaN/,
    ],
    [
      'a negative maxValue',
      { delayDistribution: { type: 'lognormal', median: 80, sigma: 0.1, maxValue: -3 } },
      /delayDistribution.maxValue must be a finite number >= 0, got -3/,
    ],
    [
      'a negative fixed distribution',
      { delayDistribution: { type: 'fixed', milliseconds: -1 } },
      /delayDistribution.milliseconds must be a finite number >= 0, got -1/,
    ],
    [
      'a field of another type',
      { delayDistribution: { type: 'uniform', lower: 1, upper: 2, sigma: 1 } },
      /delayDistribution of type "uniform" has an unknown field "sigma"; its fields are type, lower, upper/,
    ],
    [
      'a fixed delay over the cap',
      { fixedDelayMilliseconds: 60_001 },
      /the delay can reach 60001 ms \(fixedDelayMilliseconds 60001\), more than the 60000 ms allowed/,
    ],
    [
      'fixed + uniform over the cap',
      {
        fixedDelayMilliseconds: 50_000,
        delayDistribution: { type: 'uniform', lower: 0, upper: 20_000 },
      },
      /the delay can reach 70000 ms \(fixedDelayMilliseconds 50000 \+ delayDistribution up to 20000\), more than the 60000 ms allowed/,
    ],
    [
      'a lognormal median over the cap',
      { delayDistribution: { type: 'lognormal', median: 61_000, sigma: 0.1 } },
      /the delay can reach 61000 ms \(delayDistribution up to 61000\)/,
    ],
    [
      'a lognormal maxValue over the cap',
      { delayDistribution: { type: 'lognormal', median: 100, sigma: 0.1, maxValue: 90_000 } },
      /the delay can reach 90000 ms/,
    ],
    [
      'chunkedDribbleDelay',
      { chunkedDribbleDelay: { numberOfChunks: 5, totalDuration: 1000 } },
      /chunkedDribbleDelay is not supported/,
    ],
  ])('rejects %s', (_name, spec, message) => {
    expect(() => checkDelay(spec)).toThrow(FaultSpecError);
    expect(() => checkDelay(spec)).toThrow(message);
  });
});

describe('checkFault', () => {
  it.each(FAULTS)('accepts %s', (fault) => {
    expect(checkFault(fault)).toBe(fault);
  });

  it('lists exactly the four WireMock faults', () => {
    expect([...FAULTS]).toEqual([
      'CONNECTION_RESET_BY_PEER',
      'EMPTY_RESPONSE',
      'MALFORMED_RESPONSE_CHUNK',
      'RANDOM_DATA_THEN_CLOSE',
    ]);
    expect(Object.isFrozen(FAULTS)).toBe(true);
  });

  it('rejects an unknown fault, naming the allowed ones', () => {
    expect(() => checkFault('TIMEOUT')).toThrow(FaultSpecError);
    expect(() => checkFault('TIMEOUT')).toThrow(
      'unknown fault "TIMEOUT"; the faults are CONNECTION_RESET_BY_PEER, EMPTY_RESPONSE, MALFORMED_RESPONSE_CHUNK, RANDOM_DATA_THEN_CLOSE',
    );
  });

  it('rejects a misspelt fault, suggesting the right one', () => {
    expect(() => checkFault('empty_response')).toThrow(
      /unknown fault "empty_response" \(did you mean EMPTY_RESPONSE\?\); the faults are CONNECTION_RESET_BY_PEER, /,
    );
  });

  it('rejects a fault that is not a string', () => {
    expect(() => checkFault(3)).toThrow(
      /a fault must be a string, one of CONNECTION_RESET_BY_PEER, .*; got 3/,
    );
    expect(() => checkFault(undefined)).toThrow(FaultSpecError);
  });
});

// --- Random and delays -------------------------------------------------------------------

/** `n` draws of `random`. */
function draws(random: () => number, n: number): number[] {
  return Array.from({ length: n }, () => random());
}

describe('seededRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    expect(draws(seededRandom(42), 100)).toEqual(draws(seededRandom(42), 100));
    expect(draws(seededRandom(42), 100)).not.toEqual(draws(seededRandom(43), 100));
    expect(draws(seededRandom(0), 100)).not.toEqual(draws(seededRandom(1), 100));
  });

  it('takes the seed as a 32-bit unsigned integer', () => {
    expect(draws(seededRandom(2 ** 32 + 5), 10)).toEqual(draws(seededRandom(5), 10));
    expect(draws(seededRandom(-1), 10)).toEqual(draws(seededRandom(2 ** 32 - 1), 10));
  });

  it('returns numbers in [0, 1), spread over the interval', () => {
    const values = draws(seededRandom(9), 10_000);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(new Set(values).size).toBeGreaterThan(9_990);
  });
});

/** The median of `values`. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

describe('sampleDelay', () => {
  it('is 0 without a delay and the fixed delay alone without a distribution', () => {
    const random = seededRandom(1);
    expect(sampleDelay({}, random)).toBe(0);
    for (let i = 0; i < 10; i++) {
      expect(sampleDelay({ fixedDelayMilliseconds: 250 }, random)).toBe(250);
    }
  });

  it('samples a uniform distribution within [lower, upper], its mean near the middle', () => {
    const random = seededRandom(2);
    const spec: DelaySpec = { delayDistribution: { type: 'uniform', lower: 100, upper: 300 } };
    const samples = Array.from({ length: 1_000 }, () => sampleDelay(spec, random));
    for (const s of samples) {
      expect(s).toBeGreaterThanOrEqual(100);
      expect(s).toBeLessThanOrEqual(300);
    }
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(mean).toBeGreaterThan(190);
    expect(mean).toBeLessThan(210);
  });

  it('samples a lognormal distribution whose median is near `median`', () => {
    const random = seededRandom(3);
    const spec: DelaySpec = { delayDistribution: { type: 'lognormal', median: 80, sigma: 0.4 } };
    const samples = Array.from({ length: 2_001 }, () => sampleDelay(spec, random));
    expect(median(samples)).toBeGreaterThan(80 * 0.85);
    expect(median(samples)).toBeLessThan(80 * 1.15);
    // A long tail: some samples well above the median, none below 0.
    expect(Math.max(...samples)).toBeGreaterThan(120);
    expect(Math.min(...samples)).toBeGreaterThan(0);
  });

  it('draws the lognormal with Box-Muller: a zero normal gives the median, a draw of 0 stays finite', () => {
    const spec: DelaySpec = { delayDistribution: { type: 'lognormal', median: 80, sigma: 0.4 } };
    const fromDraws = (...values: number[]) => {
      let i = 0;
      return () => values[i++ % values.length] ?? 0;
    };
    // u2 = 0.25: cos(π/2) = 0, whatever u1.
    expect(sampleDelay(spec, fromDraws(0.5, 0.25))).toBeCloseTo(80, 9);
    // u1 = 0: the sample must not be infinite (the logarithm is taken of 1 - u1).
    expect(Number.isFinite(sampleDelay(spec, fromDraws(0, 0)))).toBe(true);
    // u1 = 1 - e^-0.5 (so the radius is 1), u2 = 0: Z = 1, the sample is median·e^sigma.
    expect(sampleDelay(spec, fromDraws(1 - Math.exp(-0.5), 0))).toBeCloseTo(80 * Math.exp(0.4), 6);
  });

  it('adds the fixed delay to the sample of the distribution', () => {
    const random = seededRandom(4);
    expect(
      sampleDelay(
        { fixedDelayMilliseconds: 100, delayDistribution: { type: 'fixed', milliseconds: 50 } },
        random,
      ),
    ).toBe(150);
    const spec: DelaySpec = {
      fixedDelayMilliseconds: 1_000,
      delayDistribution: { type: 'uniform', lower: 10, upper: 20 },
    };
    for (let i = 0; i < 200; i++) {
      const s = sampleDelay(spec, random);
      expect(s).toBeGreaterThanOrEqual(1_010);
      expect(s).toBeLessThanOrEqual(1_020);
    }
  });

  it('caps a lognormal sample at maxValue', () => {
    const random = seededRandom(5);
    const spec: DelaySpec = {
      delayDistribution: { type: 'lognormal', median: 80, sigma: 2, maxValue: 100 },
    };
    const samples = Array.from({ length: 1_000 }, () => sampleDelay(spec, random));
    expect(Math.max(...samples)).toBe(100);
    expect(samples.filter((s) => s === 100).length).toBeGreaterThan(100);
    expect(Math.min(...samples)).toBeLessThan(80);
  });

  it('caps the total at 60 000 ms', () => {
    const random = seededRandom(6);
    const tail: DelaySpec = {
      fixedDelayMilliseconds: 20_000,
      delayDistribution: { type: 'lognormal', median: 30_000, sigma: 5 },
    };
    const samples = Array.from({ length: 500 }, () => sampleDelay(tail, random));
    expect(Math.max(...samples)).toBe(60_000);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(20_000);
    // An unchecked spec is capped too.
    expect(sampleDelay({ fixedDelayMilliseconds: 100_000 }, random)).toBe(60_000);
    expect(
      sampleDelay(
        {
          fixedDelayMilliseconds: 40_000,
          delayDistribution: { type: 'fixed', milliseconds: 40_000 },
        },
        random,
      ),
    ).toBe(60_000);
  });
});
