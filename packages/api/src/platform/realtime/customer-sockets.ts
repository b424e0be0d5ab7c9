import type { Request } from 'express';
import type { Logger } from 'pino';
import type { Server, Socket } from 'socket.io';
import { customerMaySee, type CustomerPrincipal } from '../access/customer.js';
import type { CustomerAuthenticator } from '../auth/customer-guard.js';
import type { DomainEvent } from '../events.js';
import type { HandshakeGate } from './handshake-gate.js';

/** The namespace customers connect to (`io(origin + '/portal', { path: '/v1/realtime', auth: { token } })`). */
export const CUSTOMER_NAMESPACE = '/portal';

/** What a customer's socket receives: a new public reply on one of their tickets, or its status moving. */
export interface CustomerTicketMessage {
  ticketId: string;
  message: Record<string, unknown>;
}
export interface CustomerTicketStatus {
  ticketId: string;
  status: string;
  from: string | null;
  at: string;
}

interface CustomerSocketState {
  customer: CustomerPrincipal;
  token: string;
}

/** Milliseconds until a token's `exp` (read unverified: the authenticator verified it), or null. */
function msUntilExpiry(token: string): number | null {
  try {
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 - Date.now() : null;
  } catch {
    return null;
  }
}

/**
 * Realtime for signed-in customers (issue 18): a socket.io namespace beside the agents' one, on the same
 * path, taking only customer access tokens (audience `crm-portal`; agent tokens and keys are refused, as
 * customer tokens are on the agents' namespace). A socket receives `ticket.message` (a public reply,
 * never an internal note) and `ticket.status` only for tickets the customer may see (the access
 * module's customer rule: their contact's tickets; a case manager's account tree). The session is
 * checked again every `recheckMs` and the socket ends with `session_expired` at the token's expiry.
 * Failed handshakes count against the address's budget (./handshake-gate.ts), as on the agents' namespace.
 */
export function attachCustomerRealtime(io: Server, options: { authenticateCustomer: CustomerAuthenticator; logger: Logger; handshakeGate: HandshakeGate; recheckMs?: number }) {
  const nsp = io.of(CUSTOMER_NAMESPACE);
  const stateOf = (socket: Socket) => socket.data as CustomerSocketState;
  const timers = new Map<string, NodeJS.Timeout[]>();

  const authenticate = (token: string) => options.authenticateCustomer({ headers: { authorization: `Bearer ${token}` }, get: () => undefined } as unknown as Request, token);

  function expire(socket: Socket): void {
    socket.emit('session_expired');
    socket.disconnect(true);
  }

  // A bad, expired or agent token costs the address a point of the same budget the agents' namespace spends.
  nsp.use(
    options.handshakeGate(async (socket) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token.length < 10 || token.length > 2048 || token.startsWith('pk_') || token.startsWith('sk_')) return false;
      const customer = await authenticate(token);
      if (!customer) return false;
      socket.data = { customer, token } satisfies CustomerSocketState;
      return true;
    }),
  );

  nsp.on('connection', (socket) => {
    const { customer, token } = stateOf(socket);
    void socket.join(`tenant:${String(customer.tenantId)}`);
    const untilExpiry = msUntilExpiry(token);
    const expiry = untilExpiry === null ? null : setTimeout(() => expire(socket), Math.max(0, untilExpiry));
    // A revoked session or a disabled customer ends the socket at the next check.
    const recheck = setInterval(() => {
      authenticate(token).then(
        (current) => {
          if (!current) expire(socket);
          else stateOf(socket).customer = current;
        },
        (error: unknown) => options.logger.warn({ err: error }, 'customer realtime re-check failed; the socket keeps its session until the next check'),
      );
    }, options.recheckMs ?? 60_000);
    for (const t of [expiry, recheck]) t?.unref();
    timers.set(socket.id, [recheck, ...(expiry ? [expiry] : [])]);
    socket.on('disconnect', () => {
      for (const t of timers.get(socket.id) ?? []) clearTimeout(t);
      timers.delete(socket.id);
    });
  });

  /** Emits to each customer socket of the agency that may see the ticket. */
  function toViewers(tenant: string, ticket: { contactId?: unknown; accountId?: unknown }, name: string, payload: unknown): void {
    for (const id of nsp.adapter.rooms.get(`tenant:${tenant}`) ?? []) {
      const socket = nsp.sockets.get(id);
      if (socket && customerMaySee(stateOf(socket).customer, { tenantId: tenant, contactId: ticket.contactId ?? null, accountId: ticket.accountId ?? null })) socket.emit(name, payload);
    }
  }

  return {
    namespace: nsp,
    /** Delivers one domain event to the customers it concerns (called for every event; most are not theirs). */
    deliver(event: DomainEvent): void {
      if (event.resource !== 'ticket' || !event.resourceId) return;
      const tenant = String(event.tenantId);
      if (event.type === 'ticket.message_created') {
        const data = (event.data ?? {}) as { visibility?: unknown; contactId?: unknown; accountId?: unknown };
        // Only public replies carry the message; an internal note is never sent, whatever its data says.
        if (data.visibility !== 'public' || !event.record || event.record.visibility !== 'public') return;
        toViewers(tenant, data, 'ticket.message', { ticketId: event.resourceId, message: event.record } satisfies CustomerTicketMessage);
        return;
      }
      if (event.type === 'ticket.transitioned' && event.record) {
        const change = event.changes?.status as { from?: unknown; to?: unknown } | undefined;
        const status = String(change?.to ?? event.record.status ?? '');
        if (!status) return;
        toViewers(tenant, event.record, 'ticket.status', { ticketId: event.resourceId, status, from: typeof change?.from === 'string' ? change.from : null, at: event.at.toISOString() } satisfies CustomerTicketStatus);
      }
    },
    close(): void {
      for (const list of timers.values()) for (const t of list) clearTimeout(t);
      timers.clear();
      nsp.disconnectSockets(true);
    },
  };
}
