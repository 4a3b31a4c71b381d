// test/cli — a scripted HTTP server for CLI unit tests while checking the exact requests a
// command sends: each route answers a canned Vault-shaped JSON body and every request is
// recorded (method, path with query, token header, parsed body). Not a stand-in for the real
// server: end-to-end behaviour is tested against startServer in cli-e2e.test.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  readonly method: string;
  readonly url: string;
  readonly token: string | undefined;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

export type StubAnswer = { status: number; body?: unknown };
export type StubRoute = (req: StubRequest) => StubAnswer;

export interface StubServer {
  readonly address: string;
  readonly requests: StubRequest[];
  close(): Promise<void>;
}

/** `routes` keys are "METHOD /v1/path" (query included when sent); unknown routes answer 404. */
export async function startStub(routes: Record<string, StubRoute | StubAnswer>): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const token = req.headers['x-vault-token'];
      const record: StubRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        token: typeof token === 'string' ? token : undefined,
        contentType: req.headers['content-type'],
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      requests.push(record);
      const route = routes[`${record.method} ${record.url}`];
      const answer = route === undefined ? { status: 404, body: { errors: [] } } : typeof route === 'function' ? route(record) : route;
      res.statusCode = answer.status;
      if (answer.body !== undefined) {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(answer.body));
      } else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
