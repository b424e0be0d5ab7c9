import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { CrmClient, CrmUser } from '../context/client-context.js';
import '../select-field/select-field.js';
import '../state/state.js';
import '../text-field/text-field.js';
import { CrmProvider, type CrmTheme } from './provider.js';

/** A stand-in session client shaped like the SDK's: any email signs in with the password "demo". */
function makeDemoClient(): CrmClient {
  let user: CrmUser | undefined;
  return {
    session: {
      get user() {
        return user;
      },
      login: async (credentials) => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        if (credentials?.password !== 'demo') throw new Error('unauthenticated');
        user = { id: '65a1b2c3d4e5f60718293a4b', name: 'Demo User', email: credentials.email };
        return { accessToken: 'demo', refreshToken: 'demo', expiresIn: 900, tokenType: 'Bearer' };
      },
    },
  };
}

interface ProviderArgs {
  theme: CrmTheme;
  locale: string;
  timeZone: string;
}

const content = html`
  <div style="display: grid; gap: 1rem">
  <crm-text-field label="Full name" hint="As it appears on invoices."></crm-text-field>
  <crm-select-field label="Stage" .options=${[{ value: 'lead', label: 'Lead' }, { value: 'won', label: 'Won' }]}></crm-select-field>
  <crm-state kind="empty"></crm-state>
  </div>
`;

const meta: Meta<ProviderArgs> = {
  title: 'Elements/Provider',
  component: 'crm-provider',
  args: { theme: 'light', locale: 'en', timeZone: 'Europe/Berlin' },
  argTypes: {
    theme: { control: 'inline-radio', options: ['light', 'dark', 'system'] },
    locale: { control: 'inline-radio', options: ['en', 'de'] },
  },
};
export default meta;

type Story = StoryObj<ProviderArgs>;

/** The host already has a client and a signed-in user. */
export const WithClient: Story = {
  render: ({ theme, locale, timeZone }) => html`
    <crm-provider .client=${makeDemoClient()} theme=${theme} locale=${locale} time-zone=${timeZone}>${content}</crm-provider>
  `,
};

/** A `base-url` without a publishable key asks the person to sign in (password: demo). */
export const SignIn: Story = {
  render: ({ theme, locale, timeZone }) => {
    CrmProvider.clientFactory = () => makeDemoClient();
    return html`
      <crm-provider base-url="https://crm.example.com" theme=${theme} locale=${locale} time-zone=${timeZone}>
        ${content}
      </crm-provider>
    `;
  },
};

/** German strings from the de table, with English as the fallback. */
export const German: Story = { ...WithClient, args: { locale: 'de' } };

/** The dark palette, pinned regardless of the visitor's system setting. */
export const Dark: Story = { ...WithClient, args: { theme: 'dark' } };

/** A `base-url` with no way to build a client explains itself instead of rendering nothing. */
export const NotConnected: Story = {
  render: ({ theme, locale }) => {
    CrmProvider.clientFactory = undefined;
    return html`<crm-provider base-url="https://crm.example.com" theme=${theme} locale=${locale}>${content}</crm-provider>`;
  },
};
