import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { storyCampaigns, type StoryCampaignCode } from '../test/public-api.js';
import { fillAndSend, inWidget } from '../test/story-widgets.js';

interface SignupArgs {
  campaign: StoryCampaignCode;
  referral: string;
  lang: 'en' | 'de' | 'fr';
}

const meta: Meta<SignupArgs> = {
  title: 'Widgets/Referral signup',
  component: 'crm-referral-signup',
  parameters: {
    docs: {
      description: {
        component:
          'The signup form partner pages embed with one script tag (`<script type="module" src=".../crm-widgets.js" data-key="pk_...">`). Fields, consent and thank-you message come from the campaign; signups through `referral` are attributed to that sales person. These stories run the real widget and SDK client against an in-memory API: each campaign code is one state.',
      },
    },
  },
  args: { campaign: 'SPRING', referral: 'ANNA-2026', lang: 'en' },
  argTypes: {
    campaign: { description: 'The campaign code (`campaign` attribute); in these stories each code is one API state.', control: 'select', options: Object.keys(storyCampaigns) },
    referral: { description: "A sales person's referral code (`referral` attribute)." },
    lang: { description: 'The widget language (`lang` attribute; else the script\'s `data-locale`, the page\'s, the browser\'s).', control: 'inline-radio', options: ['en', 'de', 'fr'] },
  },
  render: ({ campaign, referral, lang }) => html`<crm-referral-signup campaign=${campaign} referral=${referral} lang=${lang}></crm-referral-signup>`,
};
export default meta;

type Story = StoryObj<SignupArgs>;

/** A running campaign: the form with its fields and consent. */
export const Ready: Story = {};

/** The API has not answered yet: after half a second the widget says so (the host keeps its space meanwhile). */
export const Loading: Story = { args: { campaign: 'SLOW' } };

/** Sent and received: the campaign's thank-you message replaces the form. */
export const Submitted: Story = {
  play: async ({ canvasElement }) => {
    await fillAndSend(canvasElement, { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper' });
    await inWidget(canvasElement, 'crm-referral-signup', '[part="message"]');
  },
};

/** A campaign with double opt-in: the visitor is asked to confirm from their inbox. */
export const DoubleOptInPending: Story = {
  args: { campaign: 'OPTIN', referral: '' },
  play: async ({ canvasElement }) => {
    await fillAndSend(canvasElement, { email: 'grace@example.com', firstName: 'Grace' });
    await inWidget(canvasElement, 'crm-referral-signup', '[part="message"]');
  },
};

/** An invalid email is announced next to its field; nothing is sent and nothing typed is lost. */
export const InvalidEmail: Story = {
  play: async ({ canvasElement }) => {
    await fillAndSend(canvasElement, { email: 'grace@', firstName: 'Grace' });
    await inWidget(canvasElement, 'crm-referral-signup', '[part="error"]');
  },
};

/** Over the rate limit: the visitor sees when to try again, and keeps what they typed. */
export const RateLimited: Story = {
  args: { campaign: 'LIMITED' },
  play: async ({ canvasElement }) => {
    await fillAndSend(canvasElement, { email: 'grace@example.com', firstName: 'Grace' });
    await inWidget(canvasElement, 'crm-referral-signup', 'button:not([disabled])');
  },
};

/** The network is down: a plain message and a retry button. */
export const Offline: Story = { args: { campaign: 'OFFLINE' } };

/** The campaign's period is over: the form is not offered. */
export const NotRunning: Story = { args: { campaign: 'ENDED' } };

/** No public campaign has this code. */
export const NotFound: Story = { args: { campaign: 'GONE' } };

/** On a page the publishable key does not allow: the API's 403 is readable, and the widget says so. */
export const SiteNotAllowed: Story = { args: { campaign: 'ELSEWHERE' } };

/** In German, from the `lang` attribute. */
export const German: Story = { args: { lang: 'de' } };

/** In French, from the `lang` attribute. */
export const French: Story = { args: { lang: 'fr' } };

/**
 * The partner's look: global tokens (`--crm-sys-color-primary`, `--crm-sys-radius`, `--crm-sys-font`, …)
 * set on any ancestor, per-widget sizes (`--crm-referral-signup-max-width`), and `::part()` for the rest.
 * Nothing else of the page gets in.
 */
export const Themed: Story = {
  render: ({ campaign, referral, lang }) => html`<style>
      .partner-theme {
        --crm-sys-color-primary: #6a1b9a;
        --crm-sys-color-on-primary: #ffffff;
        --crm-sys-color-surface: #fbf7ff;
        --crm-sys-color-outline: #cdb4e0;
        --crm-sys-color-focus: #00bfa5;
        --crm-sys-radius: 2px;
        --crm-sys-font: Georgia, 'Times New Roman', serif;
        --crm-referral-signup-max-width: 380px;
      }
      .partner-theme crm-referral-signup::part(title) {
        color: #6a1b9a;
        font-style: italic;
      }
      .partner-theme crm-referral-signup::part(submit) {
        width: 100%;
        text-transform: uppercase;
        letter-spacing: 0.08em;
      }
    </style>
    <div class="partner-theme"><crm-referral-signup campaign=${campaign} referral=${referral} lang=${lang}></crm-referral-signup></div>`,
};
