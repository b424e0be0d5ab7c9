// The first day, as `npm start` gives it, for the portal's browser tests (src/e2e/first-day.test.ts):
// a real API on a fresh database seeded with the demo agency, its jobs and realtime running, sending
// email through SMTP to a real mail catcher, and serving the built portal at /app/. The test runner's
// own origin proxies /app/, /v1/ and /socket.io/ to that API, so the test page can frame the portal
// on one origin, as a browser opening http://127.0.0.1:3000/app/ would see it. It starts when a test
// first asks `GET /__crm-e2e/first-day` (not with the runner, so it never competes with the start of
// the API every other browser test needs).
import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';

const proxied = /^\/(app(\/|\?|$)|v1\/|socket\.io\/)/;

/** A @web/test-runner plugin that runs the first-day API on demand and proxies it onto this origin. */
export function firstDayApiPlugin() {
  let origin;
  let starting;
  let api; // { runtime, server, realtime, catcher, port }

  async function start() {
    const { tsImport } = await import('tsx/esm/api');
    // One import: the runtime, realtime and the seed must share one module graph (see testing/e2e.ts).
    const testing = await tsImport('../../api/src/testing/e2e.ts', import.meta.url);
    const { startRealtime, startMailCatcher, seedDemoIfEmpty } = testing;
    const catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    let app;
    const server = createServer((req, res) => app(req, res));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    const runtime = await testing.createTestRuntime({
      file: 'first-day',
      env: {
        // Links in emails and picture URLs as the person's browser sees them: this origin.
        APP_URL: `${origin}/app`,
        PUBLIC_URL: origin,
        SMTP_URL: catcher.smtpUrl,
        RATE_LIMIT_MAX: '1000000',
        PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
        // One person drives every page from one address: lists in parallel and expected 401s stay under the limits.
        EXPENSIVE_CONCURRENCY_PER_USER: '1000',
        AUTH_FAILURE_LIMIT_PER_MINUTE: '100000',
        JOBS_PROCESS_EVERY_MS: '500',
      },
    });
    app = runtime.app;
    const seeded = await seedDemoIfEmpty(runtime.ctx);
    const realtime = await startRealtime(server, runtime);
    await runtime.ctx.jobs.start();
    return { runtime, server, realtime, catcher, port, seeded };
  }

  const ready = () => (starting ??= start().then((started) => (api = started)));

  /** Forwards one HTTP request to the API as it came (Host included, so pages name this origin). */
  function forward(req, res) {
    ready().then(
      () => {
        const upstream = httpRequest({ host: '127.0.0.1', port: api.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
          answer.pipe(res);
        });
        upstream.on('error', (error) => res.destroyed || res.writeHead(502).end(String(error)));
        req.pipe(upstream);
      },
      (error) => res.writeHead(503, { 'Content-Type': 'text/plain' }).end(`first-day API did not start: ${error?.stack ?? error}`),
    );
  }

  return {
    name: 'crm-first-day-api',
    async serverStart({ config, server }) {
      origin = `${config.protocol ?? 'http:'}//${config.hostname ?? 'localhost'}:${config.port}`;
      // The portal's paths go to the API; everything else to the test runner as before.
      const runner = server.listeners('request');
      server.removeAllListeners('request');
      server.on('request', (req, res) => {
        if (proxied.test(req.url ?? '')) return forward(req, res);
        for (const listener of runner) listener.call(server, req, res);
      });
      // The board's live updates: socket.io's websocket upgrade, piped to the API as raw bytes.
      server.on('upgrade', (req, socket, head) => {
        if (!/^\/socket\.io\//.test(req.url ?? '') || !api) return;
        const upstream = connect(api.port, '127.0.0.1', () => {
          const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
          for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
          upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
          if (head?.length) upstream.write(head);
          socket.pipe(upstream).pipe(socket);
        });
        const drop = () => {
          socket.destroy();
          upstream.destroy();
        };
        upstream.on('error', drop);
        socket.on('error', drop);
      });
    },
    async serverStop() {
      if (!api) return;
      await api.runtime.ctx.jobs.stop().catch(() => {});
      await api.realtime?.close?.();
      api.server.closeAllConnections?.();
      await new Promise((resolve) => api.server.close(resolve));
      await api.runtime.close();
      await api.catcher.stop();
    },
    async serve(context) {
      if (context.path === '/__crm-e2e/first-day') {
        try {
          await ready();
          const admin = api.seeded.logins[0];
          return { body: JSON.stringify({ appUrl: `${origin}/app/`, email: admin.email, password: api.seeded.password, tenantName: api.seeded.tenantName }), type: 'application/json' };
        } catch (error) {
          return { body: JSON.stringify({ error: String(error?.stack ?? error) }), type: 'application/json' };
        }
      }
      if (context.path === '/__crm-e2e/first-day/mail') {
        // What the mail catcher holds for one address, newest first: `[{ subject, text, html, to }]`.
        await ready();
        const to = String(context.query.to ?? '').toLowerCase();
        const messages = api.catcher
          .messages()
          .filter((m) => m.envelope.to.some((address) => address.toLowerCase() === to))
          .map(({ subject, text, html, to: header, receivedAt }) => ({ subject, text, html, to: header, receivedAt }))
          .reverse();
        return { body: JSON.stringify(messages), type: 'application/json' };
      }
      return undefined;
    },
  };
}
