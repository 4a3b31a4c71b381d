import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { silentLogger } from '../lib/logger.js';
import type { HttpInput, HttpOutput } from './http-exchange.js';
import { startHttpServer } from './http-server.js';

/** A promise the test resolves by hand, so which answer is ready first is decided, not raced. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

function answer(text: string): HttpOutput {
  return { status: 200, headers: { 'content-type': 'text/plain' }, body: text };
}

/**
 * Sends `bytes` in one write on one connection and reads until the server closes. Answers
 * are split by their Content-Length (every answer here carries one).
 */
function exchange(url: string, bytes: string): Promise<{ statuses: number[]; bodies: string[] }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close after ${Buffer.concat(chunks).toString('latin1')}`));
    }, 10_000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(splitAnswers(Buffer.concat(chunks)));
    });
  });
}

function splitAnswers(raw: Buffer): { statuses: number[]; bodies: string[] } {
  const statuses: number[] = [];
  const bodies: string[] = [];
  let at = 0;
  while (at < raw.length) {
    const headEnd = raw.indexOf('\r\n\r\n', at);
    if (headEnd === -1) break;
    const head = raw.subarray(at, headEnd).toString('latin1');
    statuses.push(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0));
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    bodies.push(raw.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8'));
    at = headEnd + 4 + length;
  }
  return { statuses, bodies };
}

async function serverWith(handler: (input: HttpInput) => Promise<HttpOutput>) {
  return startHttpServer({ address: '127.0.0.1:0', maxRequestSize: 1024, handler, logger: silentLogger });
}

test('a LIST pipelined behind a slower GET is answered after it, in request order', async () => {
  const slowGet = gate();
  const listSeen = gate();
  const server = await serverWith(async (input) => {
    if (input.method === 'LIST') {
      listSeen.open();
      return answer(`list ${input.url}`);
    }
    await slowGet.promise;
    return answer(`get ${input.url}`);
  });
  try {
    const done = exchange(server.url, 'GET /v1/a HTTP/1.1\r\nHost: x\r\n\r\nLIST /v1/b HTTP/1.1\r\nHost: x\r\n\r\n');
    // The LIST's answer is ready while the GET is still being served.
    await listSeen.promise;
    slowGet.open();
    const got = await done;
    assert.deepEqual(got.bodies, ['get /v1/a', 'list /v1/b']);
    assert.deepEqual(got.statuses, [200, 200]);
  } finally {
    await server.close();
  }
});

test('two GETs then a LIST on one connection: three answers in order', async () => {
  const slow = gate();
  const listSeen = gate();
  const server = await serverWith(async (input) => {
    if (input.method === 'LIST') listSeen.open();
    else if (input.url === '/v1/first') await slow.promise;
    return answer(`${input.method} ${input.url}`);
  });
  try {
    const done = exchange(
      server.url,
      'GET /v1/first HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/second HTTP/1.1\r\nHost: x\r\n\r\nLIST /v1/third HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    await listSeen.promise;
    slow.open();
    assert.deepEqual((await done).bodies, ['GET /v1/first', 'GET /v1/second', 'LIST /v1/third']);
  } finally {
    await server.close();
  }
});

test('a LIST alone on its connection is answered and the connection closed, as before', async () => {
  const server = await serverWith(async (input) => answer(`${input.method} ${input.url}`));
  try {
    const got = await exchange(server.url, 'LIST /v1/secret/metadata/ HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.deepEqual(got.bodies, ['LIST /v1/secret/metadata/']);
  } finally {
    await server.close();
  }
});

test('garbage pipelined behind a slower GET: the GET is answered first, then the 400', async () => {
  const slow = gate();
  let gets = 0;
  const server = await serverWith(async (input) => {
    gets++;
    await slow.promise;
    return answer(`${input.method} ${input.url}`);
  });
  try {
    const done = exchange(server.url, 'GET /v1/a HTTP/1.1\r\nHost: x\r\n\r\nBR@KEN / HTTP/1.1\r\n\r\n');
    while (gets === 0) await new Promise((resolve) => setImmediate(resolve));
    slow.open();
    const got = await done;
    assert.deepEqual(got.statuses, [200, 400]);
    assert.equal(got.bodies[0], 'GET /v1/a');
  } finally {
    await server.close();
  }
});
