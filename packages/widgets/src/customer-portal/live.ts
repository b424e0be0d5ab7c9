/** A live event of the customer's tickets: `ticket.message` (a public reply) or `ticket.status`. */
export type LiveListener = (name: string, payload: { ticketId?: string; message?: unknown; status?: string }) => void;

/** What the live connection needs of the customer's session. */
export interface LiveSession {
  token(): Promise<string | undefined>;
  renew(failedToken: string | undefined): Promise<boolean>;
}

/**
 * Live updates of the customer's tickets from the API's customer namespace (`/portal` on
 * `/v1/realtime`). It speaks socket.io's wire protocol (Engine.IO 4 over a WebSocket, the only transport
 * a partner page reaches across origins) in a few lines instead of shipping socket.io-client, and
 * reconnects with a renewed token, backing off up to 30 s. The host page's CSP must allow the API's
 * `ws:`/`wss:` origin in `connect-src` (docs/customer-portal.md).
 */
export function openLive(baseUrl: string, session: LiveSession, listener: LiveListener): { close(): void } {
  const url = `${(baseUrl || location.origin).replace(/^http/, 'ws')}/v1/realtime/?EIO=4&transport=websocket`;
  let socket: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retries = 0;
  let closed = false;

  async function connect(): Promise<void> {
    const token = await session.token().catch(() => undefined);
    if (closed || !token) return;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onmessage = ({ data }) => {
      const packet = String(data);
      if (packet[0] === '0') ws.send(`40/portal,${JSON.stringify({ token })}`);
      else if (packet === '2') ws.send('3');
      else if (packet.startsWith('40/portal,')) retries = 0;
      // Refused or ended (an expired token): renew it, then the close below reconnects.
      else if (packet.startsWith('44/portal,') || packet.startsWith('41/portal,')) void session.renew(token).finally(() => ws.close());
      else if (packet.startsWith('42/portal,')) {
        const [name, payload] = JSON.parse(packet.slice(10)) as [string, Parameters<LiveListener>[1]];
        listener(name, payload ?? {});
      }
    };
    ws.onclose = () => {
      if (!closed) timer = setTimeout(() => void connect(), Math.min(30_000, 1000 * 2 ** retries++));
    };
  }

  void connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
