import type { Types } from 'mongoose';

/** Who did something: a user (through a session or a secret key), a visitor on a public route, or the system. */
export interface Actor {
  tenantId: Types.ObjectId;
  userId: Types.ObjectId | null;
  apiKeyId: Types.ObjectId | null;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** A domain event: something changed in one tenant. Realtime, audit, roll-ups and notifications subscribe. */
export interface DomainEvent {
  type: string;
  tenantId: Types.ObjectId;
  resource: string;
  resourceId: string | null;
  actor: Actor | null;
  /** The record after the change (absent for deletes), as a plain object. */
  record?: Record<string, unknown> | undefined;
  /** Changed fields with their old and new values. */
  changes?: Record<string, { from: unknown; to: unknown }> | undefined;
  data?: Record<string, unknown> | undefined;
  at: Date;
}

type Handler = (event: DomainEvent) => Promise<void> | void;

/**
 * The in-process event bus. `publish` awaits every subscriber so a write's audit entry is stored before
 * the request answers; a failing subscriber is logged and does not undo the write.
 */
export class EventBus {
  private readonly handlers: { pattern: string; handler: Handler; beside?: boolean }[] = [];

  constructor(private readonly onError: (error: unknown, event: DomainEvent) => void) {}

  /**
   * Subscribes to an event type, a prefix (`contact.*`) or everything (`*`). `beside`: the subscriber
   * runs alongside the others instead of after the one before it (its work depends on no other
   * subscriber's), and `publish` still waits for it, so a write answers only once it is done.
   */
  subscribe(pattern: string, handler: Handler, options: { beside?: boolean } = {}): () => void {
    const entry = { pattern, handler, ...(options.beside ? { beside: true } : {}) };
    this.handlers.push(entry);
    return () => {
      const i = this.handlers.indexOf(entry);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  async publish(input: Omit<DomainEvent, 'at'> & { at?: Date }): Promise<void> {
    const event: DomainEvent = { ...input, at: input.at ?? new Date() };
    const beside: Promise<void>[] = [];
    for (const { pattern, handler, beside: alongside } of this.handlers) {
      if (!matches(pattern, event.type)) continue;
      const run = async () => {
        try {
          await handler(event);
        } catch (error) {
          this.onError(error, event);
        }
      };
      if (alongside) beside.push(run());
      else await run();
    }
    if (beside.length) await Promise.all(beside);
  }
}

function matches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}
