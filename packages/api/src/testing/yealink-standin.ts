import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for a Yealink desk phone, speaking the two HTTP interfaces the CRM uses as Yealink's
 * administrator guides document them:
 * - Action URI (remote control): `GET /servlet?key=<value>` (and the older `/cgi-bin/ConfigManApp.com?key=`),
 *   HTTP Basic authentication with the phone's web login, 200 when done, 401 for a wrong login, 403 for
 *   a caller not on the Action URI allow list; `key=number=<n>[&outgoing_uri=<account>]` places a call.
 * - Action URL (events out): for each configured event it sends `GET <url>` with the predefined variables
 *   (`$call_id`, `$remote`, `$local`, `$display_remote`, `$mac`, `$ip`, `$model`) replaced.
 * The methods beyond `host` play the person at the phone (ring, answer, hang up), so tests and a
 * developer can watch calls arrive. Used by the tests and by `npm start` in development (docs/voip.md).
 */
export interface YealinkStandin {
  /** The address to save as the phone's host (`127.0.0.1:<port>`). */
  host: string;
  username: string;
  password: string;
  /** Numbers dialled through the Action URI, oldest first, with the `outgoing_uri` given. */
  dialled: { number: string; outgoingUri: string; callId: string }[];
  /** Every Action URI request: path and key, whether it was let in. */
  requests: { path: string; key: string; status: number }[];
  /** Configures `action_url.<event>` (what an administrator pastes from the CRM's phone settings). */
  setActionUrls(urls: Record<string, string>): void;
  /** Sends one event's action URL now; resolves with the CRM's HTTP status (0 when none is configured). */
  fire(event: string, call: { callId: string; remote: string; displayRemote?: string }): Promise<number>;
  /** An incoming call rings: `incoming_call`; resolves with its call id. */
  ring(remote: string, displayRemote?: string): Promise<string>;
  /** Answers (`call_established`) the call. */
  answer(callId: string): Promise<number>;
  /** Ends the call (`call_terminated`). */
  hangUp(callId: string): Promise<number>;
  /** Waits for the events the phone sent on its own (after a dial). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startYealinkStandin(options: { port?: number; username?: string; password?: string; local?: string; allowIps?: string[] } = {}): Promise<YealinkStandin> {
  const username = options.username ?? 'admin';
  const password = options.password ?? 'standin-phone-pass';
  const local = options.local ?? '1006';
  let actionUrls: Record<string, string> = {};
  const calls = new Map<string, string>();
  const pending = new Set<Promise<unknown>>();
  let nextCallId = 33000;
  const dialled: YealinkStandin['dialled'] = [];
  const requests: YealinkStandin['requests'] = [];

  const authorised = (req: IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    const given = Buffer.from(Buffer.from(header.slice(6), 'base64').toString('utf8'));
    const expected = Buffer.from(`${username}:${password}`);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  async function fire(event: string, call: { callId: string; remote: string; displayRemote?: string }): Promise<number> {
    const template = actionUrls[event];
    if (!template) return 0;
    const vars: Record<string, string> = { call_id: call.callId, remote: call.remote, local, display_remote: call.displayRemote ?? call.remote, display_local: local, mac: '805ec0000001', ip: '127.0.0.1', model: 'SIP-T54W', firmware: '96.86.0.70', active_user: local };
    // Longest names first, so $display_remote is not read as $display followed by text.
    const url = Object.keys(vars).sort((a, b) => b.length - a.length).reduce((u, name) => u.split(`$${name}`).join(encodeURIComponent(vars[name]!)), template);
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status;
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://phone');
    const send = (status: number, body: string) => {
      requests.push({ path: url.pathname, key: url.searchParams.get('key') ?? '', status });
      res.writeHead(status, { 'Content-Type': 'text/html', ...(status === 401 ? { 'WWW-Authenticate': 'Basic realm="Yealink"' } : {}) });
      res.end(body);
    };
    if (req.method !== 'GET' || !['/servlet', '/cgi-bin/ConfigManApp.com', '/cgi-bin/cgiServer.exx'].includes(url.pathname)) return send(404, 'Not Found');
    if (options.allowIps && !options.allowIps.includes((req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''))) return send(403, 'Forbidden');
    if (!authorised(req)) return send(401, 'Unauthorized');
    const key = url.searchParams.get('key') ?? '';
    if (key.startsWith('number=')) {
      const number = key.slice('number='.length);
      if (!/^\+?[\d*#]+$/.test(number)) return send(400, 'Bad number');
      const callId = String((nextCallId += 1));
      calls.set(callId, number);
      dialled.push({ number, outgoingUri: url.searchParams.get('outgoing_uri') ?? '', callId });
      send(200, 'OK');
      // The phone reports the call it placed, after answering the request, as a real one does.
      const sent = fire('outgoing_call', { callId, remote: number }).catch(() => 0);
      pending.add(sent);
      void sent.finally(() => pending.delete(sent));
      return;
    }
    return send(200, 'OK');
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    host: `127.0.0.1:${port}`,
    username,
    password,
    dialled,
    requests,
    setActionUrls(urls) {
      actionUrls = { ...urls };
    },
    fire,
    async ring(remote, displayRemote) {
      const callId = String((nextCallId += 1));
      calls.set(callId, remote);
      await fire('incoming_call', { callId, remote, displayRemote });
      return callId;
    },
    answer: (callId) => fire('call_established', { callId, remote: calls.get(callId) ?? '' }),
    hangUp: (callId) => fire('call_terminated', { callId, remote: calls.get(callId) ?? '' }),
    async settled() {
      await Promise.all([...pending]);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
