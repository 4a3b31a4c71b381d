import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListRequest } from './parse-list-request.js';

const head = (extra = ''): string => `LIST /v1/secret/metadata/ HTTP/1.1\r\nHost: x\r\nX-Vault-Token: t\r\n${extra}\r\n`;

test('a complete LIST request parses with its headers and body', () => {
  const r = parseListRequest(Buffer.from(head('Content-Length: 2\r\n') + '{}'), '127.0.0.1');
  assert.ok(r && typeof r === 'object' && 'method' in r);
  assert.equal(r.url, '/v1/secret/metadata/');
  assert.equal(r.headers['x-vault-token'], 't');
  assert.equal(Buffer.from(r.body).toString(), '{}');
});

test('incomplete heads and bodies ask for more; oversized and malformed ones do not', () => {
  assert.equal(parseListRequest(Buffer.from('LIST /v1/x HTTP/1.1\r\nHost'), ''), 'incomplete');
  assert.equal(parseListRequest(Buffer.from(head('Content-Length: 10\r\n') + '{"a"'), ''), 'incomplete');
  assert.deepEqual(parseListRequest(Buffer.from(head('Content-Length: 5000\r\n')), '', 4096), { tooLarge: 5000 });
  assert.equal(parseListRequest(Buffer.from('LIST nopath\r\n\r\n'), ''), undefined);
  assert.equal(parseListRequest(Buffer.from(head('Transfer-Encoding: chunked\r\n')), ''), undefined);
  assert.equal(parseListRequest(Buffer.from(head('Content-Length: -1\r\n')), ''), undefined);
  assert.equal(parseListRequest(Buffer.from(head('bad header line\r\n')), ''), undefined);
});
