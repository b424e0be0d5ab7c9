import type { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import type { Delivery, Send } from './messaging.model.js';

/** A rendered message as the engine hands it over before sending. */
export interface OutgoingMessage {
  html: string;
  text: string;
}

/**
 * What another module adds to sends (campaign analytics, docs/campaign-analytics.md), filled in after
 * messaging is built: messaging knows nothing of campaigns; the campaigns module sets these.
 */
export interface SendHooks {
  /** The campaign a send may count into, as the principal sees it (404 otherwise). */
  campaignOf?: (principal: Principal, campaignId: string) => Promise<Types.ObjectId>;
  /** Rewrites one recipient's message (a pixel, signed click links), names its return path (VERP) and marks the List-Unsubscribe URL with the delivery. */
  decorate?: (send: Send, entry: Delivery, message: OutgoingMessage, unsubscribeUrl?: string | null) => Promise<OutgoingMessage & { returnPath: string | null; unsubscribeUrl?: string | null }>;
  /** Called once a message was accepted by the mail server (counted once per ledger entry). */
  onSent?: (send: Send, entry: Delivery) => Promise<void>;
  /** Called after an unsubscribe through a link that carried a campaign delivery's tracking token (`?d=`). */
  onUnsubscribed?: (trackingToken: string) => Promise<void>;
}
