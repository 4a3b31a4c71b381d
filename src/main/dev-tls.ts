// src/main — `arca server --dev-tls`: a self-signed certificate for localhost/127.0.0.1,
// generated at start with `selfsigned` and written to <data dir>/dev-tls/ (cert + CA file
// to pass to clients as ARCA_CACERT). Never for production: the key is fresh each start.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { TlsOptions } from '../http/http-server.js';

export async function devTlsMaterial(dataDir: string): Promise<TlsOptions & { certFile: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  const dir = join(dataDir, 'dev-tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const certFile = join(dir, 'cert.pem');
  writeFileSync(certFile, pems.cert, { mode: 0o644 });
  writeFileSync(join(dir, 'key.pem'), pems.private, { mode: 0o600 });
  return { cert: pems.cert, key: pems.private, certFile };
}
