import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { storyCampaigns, type StoryCampaignCode } from '../test/public-api.js';
import { inWidget } from '../test/story-widgets.js';

interface CardArgs {
  campaign: StoryCampaignCode;
  lang: 'en' | 'de' | 'fr';
}

const meta: Meta<CardArgs> = {
  title: 'Widgets/Campaign card',
  component: 'crm-campaign-card',
  parameters: {
    docs: {
      description: {
        component:
          "A campaign's card for partner pages: title, period, counts, like and enrol; the view is counted once per visitor when half the card has been on screen. These stories run the real widget and SDK client against an in-memory API: each campaign code is one state.",
      },
    },
  },
  args: { campaign: 'SPRING', lang: 'en' },
  argTypes: {
    campaign: { description: 'The campaign code (`campaign` attribute); in these stories each code is one API state.', control: 'select', options: Object.keys(storyCampaigns) },
    lang: { description: 'The widget language (`lang` attribute).', control: 'inline-radio', options: ['en', 'de', 'fr'] },
  },
  render: ({ campaign, lang }) => html`<crm-campaign-card campaign=${campaign} lang=${lang}></crm-campaign-card>`,
};
export default meta;

type Story = StoryObj<CardArgs>;

/** A running campaign: like and enrol are open. */
export const Ready: Story = {};

/** The API has not answered yet. */
export const Loading: Story = { args: { campaign: 'SLOW' } };

/** After a like: the button stays pressed for this visitor (remembered in the browser). */
export const Liked: Story = {
  play: async ({ canvasElement }) => {
    (await inWidget<HTMLButtonElement>(canvasElement, 'crm-campaign-card', '[part="like"]:not([disabled])')).click();
    await inWidget(canvasElement, 'crm-campaign-card', '[part="like"][aria-pressed="true"]');
  },
};

/** The period is over: the card shows it, like and enrol are closed. */
export const NotRunning: Story = { args: { campaign: 'ENDED' } };

/** The network is down. */
export const Offline: Story = { args: { campaign: 'OFFLINE' } };

/** No public campaign has this code. */
export const NotFound: Story = { args: { campaign: 'GONE' } };

/** On a page the publishable key does not allow: the API's 403 is readable, and the widget says so. */
export const SiteNotAllowed: Story = { args: { campaign: 'ELSEWHERE' } };

/** In German: plurals, numbers and the period through `Intl`. */
export const German: Story = { args: { lang: 'de' } };

/** In French: dates and counts in French style too. */
export const French: Story = { args: { lang: 'fr' } };

/** The partner's look through `--crm-*` custom properties and `::part()`. */
export const Themed: Story = {
  render: ({ campaign, lang }) => html`<style>
      .partner-theme {
        --crm-sys-color-primary: #00695c;
        --crm-sys-color-surface: #f1f8f6;
        --crm-sys-color-on-surface: #102a26;
        --crm-sys-radius: 16px;
        --crm-sys-font: 'Trebuchet MS', sans-serif;
        --crm-campaign-card-max-width: 340px;
      }
      .partner-theme crm-campaign-card::part(root) {
        box-shadow: 0 4px 16px rgb(0 0 0 / 12%);
        border-color: transparent;
      }
      .partner-theme crm-campaign-card::part(counts) {
        font-variant-numeric: tabular-nums;
      }
    </style>
    <div class="partner-theme"><crm-campaign-card campaign=${campaign} lang=${lang}></crm-campaign-card></div>`,
};
