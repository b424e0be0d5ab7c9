// A real HTTP server for the SDK's tests: each test scripts its answers, the server records what it got.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProblemCode } from '../core/errors.js';

/** A request as the fake API received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** What the fake API answers: a status, headers and a JSON body; `hang` never answers, `drop` cuts the connection. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Sent as is, instead of JSON. */
  text?: string;
  hang?: boolean;
  drop?: boolean;
}

/** Answers the `index`-th request (0-based) the server received. */
export type Script = (request: ReceivedRequest, index: number) => Answer | Promise<Answer>;

/** A running fake API. */
export interface FakeApi {
  baseUrl: string;
  requests: ReceivedRequest[];
  /** Resolves when the server has received `count` requests. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a fake API on a free local port. */
export async function startFakeApi(script: Script): Promise<FakeApi> {
  const requests: ReceivedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = Buffer.concat(chunks).toString('utf8');
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: raw ? (JSON.parse(raw) as unknown) : undefined,
      };
      const index = requests.push(request) - 1;
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve();
      void Promise.resolve(script(request, index)).then((answer) => {
        if (answer.hang) return;
        if (answer.drop) {
          req.socket.destroy();
          return;
        }
        const status = answer.status ?? 200;
        const isProblem = status >= 400 && typeof answer.body === 'object';
        res.writeHead(status, {
          'X-Request-Id': `req_${index + 1}`,
          ...(answer.text === undefined && answer.body !== undefined
            ? { 'Content-Type': isProblem ? 'application/problem+json' : 'application/json' }
            : {}),
          ...answer.headers,
        });
        res.end(answer.text ?? (answer.body === undefined ? undefined : JSON.stringify(answer.body)));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    received: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A problem details answer as the API builds it. */
export function problem(code: ProblemCode, status: number, extensions: Record<string, unknown> = {}): Answer {
  return {
    status,
    body: { type: `urn:crm:problem:${code}`, title: code.replace(/_/g, ' '), status, code, detail: `detail of ${code}`, ...extensions },
  };
}

/** A list answer. */
export function listOf<T>(data: T[], nextCursor: string | null): Answer {
  return { body: { object: 'list', data, hasMore: nextCursor !== null, nextCursor } };
}
