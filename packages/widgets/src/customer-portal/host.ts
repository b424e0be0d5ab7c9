import type { TemplateResult } from 'lit';
import type { PortalCrmClient } from '@crm/client-sdk/public';
import type { PortalLocale } from './strings.js';

/** The portal's pages; `ticket` is one ticket's thread. */
export type PortalPage = 'home' | 'tickets' | 'ticket' | 'kb' | 'profile' | 'quotes' | 'invoices';

/** What a lazily loaded page may use of the portal element that shows it. */
export interface PortalHost {
  readonly crm: PortalCrmClient;
  readonly locale: PortalLocale;
  /** The open ticket's id on the `ticket` page. */
  ticketId: string | null;
  /** The open article's slug on the `kb` page (null: the list). */
  articleSlug: string | null;
  /** Shows a page; `id` is the ticket's id (`ticket`) or the article's slug (`kb`). */
  go(page: PortalPage, id?: string | null): void;
  /** Re-renders the element (after a page changed its own state). */
  requestUpdate(): void;
  /** Says what went wrong with a call, in the portal's words. */
  describe(error: unknown): string;
  /** Fires a `crm-portal-*` event out of the shadow root. */
  emit(type: string, detail: unknown): void;
}

/** A page module: renders into the portal and loads its data when shown. */
export interface PortalPageModule {
  render(host: PortalHost, page: PortalPage): TemplateResult;
  show(host: PortalHost, page: PortalPage): void;
}
