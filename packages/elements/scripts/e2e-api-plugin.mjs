// Starts the real CRM API (packages/api, on an embedded FerretDB database of its own) next to the
// test runner, so browser tests exercise the elements against the real routes. The browser learns
// where the API is from `GET /__crm-e2e/agency`, which registers a fresh agency (one tenant per
// test file, so files never see each other's data) and answers its base URL and credentials.
import { createServer } from 'node:http';

/** A @web/test-runner plugin that runs the API for the length of the test run. */
export function crmApiPlugin() {
  let api; // { runtime, server, realtime, baseUrl, testing }
  let starting;
  let mailwizz; // a promise of the Mailwizz stand-in, started on first ask
  let yealink; // a promise of the Yealink phone stand-in, started on first ask

  async function start(origin) {
    // The API is TypeScript; tsx loads it without a build step.
    const { tsImport } = await import('tsx/esm/api');
    // One import: the runtime and realtime must share one module graph (see testing/e2e.ts).
    const testing = await tsImport('../../api/src/testing/e2e.ts', import.meta.url);
    const { startRealtime, TEST_PASSWORD } = testing;
    // The server listens first, so the API knows its own address (PUBLIC_URL: the picture URLs it writes).
    let app;
    const server = createServer((req, res) => app(req, res));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    const runtime = await testing.createTestRuntime({
      file: 'elements-e2e',
      // The test page's origin may call the API; rate limits are lifted so arrangement never throttles.
      env: { CORS_ORIGINS: origin, PUBLIC_URL: `http://127.0.0.1:${port}`, RATE_LIMIT_MAX: '1000000', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000', EXPENSIVE_CONCURRENCY_PER_USER: '1000', AUTH_FAILURE_LIMIT_PER_MINUTE: '100000' },
    });
    app = runtime.app;
    const realtime = await startRealtime(server, runtime);
    return { runtime, server, realtime, testing, password: TEST_PASSWORD, baseUrl: `http://127.0.0.1:${port}` };
  }

  return {
    name: 'crm-api',
    async serverStart({ config }) {
      const origin = `${config.protocol ?? 'http:'}//${config.hostname ?? 'localhost'}:${config.port}`;
      starting = start(origin).then((started) => (api = started));
      // A failure surfaces in the tests that need the API, not as a crash of the whole run.
      starting.catch((error) => console.error('crm-api: could not start the API:', error));
    },
    async serverStop() {
      if (mailwizz) await (await mailwizz).stop();
      if (yealink) await (await yealink).stop();
      if (!api) return;
      await api.realtime?.close?.();
      api.server.closeAllConnections?.();
      await new Promise((resolve) => api.server.close(resolve));
      await api.runtime.close();
    },
    async serve(context) {
      // GETs a URL of the API as a stranger would (no token, no cookie, another origin), so a test can
      // see what an anonymous page gets: `{ status, contentType, bytes }`.
      if (context.path === '/__crm-e2e/anonymous-get') {
        await starting;
        const url = new URL(String(context.query.url ?? ''), api.baseUrl);
        if (url.origin !== new URL(api.baseUrl).origin) return { status: 400, body: JSON.stringify({ error: `only URLs of the test API (${api.baseUrl}), not ${url}` }), type: 'application/json' };
        const answer = await fetch(url, { headers: { Origin: 'http://stranger.invalid' } });
        const bytes = (await answer.arrayBuffer()).byteLength;
        return { body: JSON.stringify({ status: answer.status, contentType: answer.headers.get('content-type'), bytes }), type: 'application/json' };
      }
      // A Mailwizz 1.9 stand-in (packages/api/src/testing/mailwizz-standin.ts) the API can reach: its URL and keys.
      if (context.path === '/__crm-e2e/mailwizz') {
        mailwizz ??= import('tsx/esm/api').then(({ tsImport }) => tsImport('../../api/src/testing/mailwizz-standin.ts', import.meta.url)).then((m) => m.startMailwizzStandin());
        const standin = await mailwizz;
        return { body: JSON.stringify({ url: standin.url, publicKey: standin.publicKey, privateKey: standin.privateKey }), type: 'application/json' };
      }
      // A Yealink phone stand-in (packages/api/src/testing/yealink-standin.ts): its address, login, and the numbers dialled on it.
      if (context.path === '/__crm-e2e/yealink') {
        yealink ??= import('tsx/esm/api').then(({ tsImport }) => tsImport('../../api/src/testing/yealink-standin.ts', import.meta.url)).then((m) => m.startYealinkStandin());
        const standin = await yealink;
        return { body: JSON.stringify({ host: standin.host, username: standin.username, password: standin.password, dialled: standin.dialled }), type: 'application/json' };
      }
      if (context.path !== '/__crm-e2e/agency') return undefined;
      try {
        await starting;
        const agency = await api.testing.makeAgency(api.runtime);
        // `?users=SALES_HEAD,SALES_PERSON`: people of those roles in the agency too (same password), for tests of who may do what.
        const roles = String(context.query.users ?? '').split(',').filter(Boolean);
        const users = [];
        for (const role of roles) {
          const user = await api.testing.makeUser(api.runtime, agency, { role });
          users.push({ role, id: String(user.id), email: user.email });
        }
        return {
          body: JSON.stringify({ baseUrl: api.baseUrl, email: agency.adminEmail, password: api.password, tenantId: agency.tenantId, users }),
          type: 'application/json',
        };
      } catch (error) {
        return { body: JSON.stringify({ error: String(error?.stack ?? error) }), type: 'application/json' };
      }
    },
  };
}
