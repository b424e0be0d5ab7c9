// Wraps a story in a provider holding an in-memory API, following Storybook's theme and locale toolbar.
import { html, type TemplateResult } from 'lit';
import type { CrmDataClient } from '../shared/api/transport.js';
import { sdkClient } from './memory-api.js';

/** The globals the Storybook toolbar sets. */
export interface StoryGlobals {
  theme?: string;
  locale?: string;
}

/** `content` inside a `<crm-provider>` with `client` and a signed-in demo user. */
export function withClient(client: CrmDataClient, globals: StoryGlobals, content: TemplateResult): TemplateResult {
  const user = { id: '000000000000000000000001', name: 'Ada Admin', email: 'ada@example.com' };
  return html`<crm-provider .client=${client} .user=${user} theme=${globals.theme ?? 'light'} locale=${globals.locale ?? 'en'}>${content}</crm-provider>`;
}

/** A client whose every call waits forever, to show loading states. */
export const pendingClient: CrmDataClient = sdkClient(() => new Promise<Response>(() => undefined));

/** A client whose every call fails as an unreachable API does. */
export const failingClient: CrmDataClient = sdkClient(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
