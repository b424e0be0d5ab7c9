// <crm-campaign-analytics> on the in-memory double (src/test/memory-campaign-analytics.ts), whose routes
// answer as the OpenAPI document declares through the real SDK. The counting behind the figures is
// tested against the real database in the API (campaigns/email-analytics.test.ts, mailwizz.test.ts).
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { until } from '../test/live-api.js';
import { createMemoryCampaignAnalytics, dailyOf, emailAnalyticsOf, failingCampaignAnalyticsClient, mailwizzCampaignOf } from '../test/memory-campaign-analytics.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmCampaignAnalytics } from './campaign-analytics.component.js';
import './campaign-analytics.js';

async function mount(client: unknown, id: string, locale = 'en'): Promise<CrmCampaignAnalytics> {
  const provider = await fixture(html`<crm-provider .client=${client} locale=${locale}><crm-campaign-analytics campaign-id=${id}></crm-campaign-analytics></crm-provider>`);
  const element = provider.querySelector('crm-campaign-analytics')!;
  await until(() => Boolean(element.shadowRoot!.querySelector('[part="results"], crm-state[kind="error"]')), 5000, 'analytics shown');
  return element;
}

const text = (root: Element | ShadowRoot | null | undefined) => root?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const figure = (element: CrmCampaignAnalytics, section: string, key: string) => text(element.shadowRoot!.querySelector(`[part="${section}"] [data-key="${key}"]`));
const withSends = () => {
  const memory = createMemoryCampaignAnalytics({ daily: dailyOf() });
  return createMemoryCampaignAnalytics({ daily: dailyOf(), email: emailAnalyticsOf(memory.campaign.id) });
};

describe('crm-campaign-analytics', () => {
  afterEach(resetViewport);

  it("should show our sends' figures with their rates, the results with ROI, the daily chart and the top links", async () => {
    const memory = withSends();
    const element = await mount(memory.client, memory.campaign.id);
    const root = element.shadowRoot!;
    expect(text(root.querySelector('h2'))).to.equal(memory.campaign.title);
    expect(figure(element, 'email', 'sent')).to.equal('Sent 1,200');
    expect(figure(element, 'email', 'delivered')).to.equal('Delivered 1,176 98% of sent');
    expect(figure(element, 'email', 'opened')).to.equal('Opened (unique) 540 45.9% of delivered');
    expect(figure(element, 'email', 'clicked')).to.equal('Clicked (unique) 150 12.8% of delivered');
    expect(figure(element, 'email', 'bounced')).to.equal('Bounced 24 2% of sent');
    expect(figure(element, 'email', 'replied')).to.include('12');
    expect(figure(element, 'email', 'unsubscribed')).to.include('6');
    expect(root.querySelector('[part="mailwizz"]'), 'no Mailwizz section for a campaign never sent through it').to.equal(null);
    // Campaign 1 of the demo: cost 2,000 EUR, revenue won 2,500 EUR, ROI 25 %.
    expect(figure(element, 'results', 'cost')).to.equal('Cost €2,000');
    expect(figure(element, 'results', 'revenue')).to.equal('Revenue won €2,500');
    expect(figure(element, 'results', 'roi')).to.equal('ROI 25%');
    const chart = root.querySelector('crm-chart')!;
    expect(chart.series.map((s) => s.key)).to.deep.equal(['views', 'signups', 'leads']);
    expect(chart.series[0]!.points).to.have.length(21);
    const rows = [...root.querySelectorAll('[part="links"] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => text(td)));
    expect(rows).to.have.length(3);
    expect(rows[0]).to.deep.equal(['https://agency.example/spring-webinar/register', '120', '80%']);
    expect(rows[1]).to.deep.equal(['https://agency.example/pricing', '45', '30%']);
    expect(memory.calls).to.include(`GET /v1/campaigns/${memory.campaign.id}/email-analytics`);
    await expectAccessible(element);
  });

  it('should write numbers, money and percentages the German way', async () => {
    const memory = withSends();
    const element = await mount(memory.client, memory.campaign.id, 'de');
    expect(figure(element, 'email', 'sent')).to.equal('Gesendet 1.200');
    expect(figure(element, 'email', 'opened')).to.equal('Geöffnet (eindeutig) 540 45,9 % der zugestellten');
    expect(figure(element, 'results', 'cost')).to.equal('Kosten 2.000 €');
    expect(figure(element, 'results', 'roi')).to.equal('ROI 25 %');
    expect(text(element.shadowRoot!.querySelector('[part="links"] h3'))).to.equal('Meistgeklickte Links');
  });

  it("should show a Mailwizz campaign's statistics with complaints, and leave out the empty own-sends section", async () => {
    const memory = createMemoryCampaignAnalytics({ index: 3 });
    const mw = createMemoryCampaignAnalytics({ index: 3, mailwizz: mailwizzCampaignOf(memory.campaign.id) });
    const element = await mount(mw.client, mw.campaign.id);
    const root = element.shadowRoot!;
    expect(root.querySelector('[part="email"]')).to.equal(null);
    expect(figure(element, 'mailwizz', 'sent')).to.equal('Sent 4,980');
    expect(figure(element, 'mailwizz', 'opened')).to.equal('Opened (unique) 2,205 45% of delivered');
    expect(figure(element, 'mailwizz', 'bounced')).to.equal('Bounced 80 1.6% of sent');
    expect(figure(element, 'mailwizz', 'complaints')).to.equal('Complaints 3 0.1% of delivered');
    expect(text(root.querySelector('[part="mailwizz"]'))).to.include('last pulled');
    expect(root.querySelector('[part="links"]')).to.equal(null);
    expect(root.querySelector('crm-chart'), 'no chart without a daily series').to.equal(null);
  });

  it('should say when nothing was sent and when a campaign has no cost', async () => {
    const memory = createMemoryCampaignAnalytics({ index: 2 });
    const element = await mount(memory.client, memory.campaign.id);
    expect(text(element.shadowRoot!.querySelector('[part="email"]'))).to.include('No mail of this campaign has been sent yet.');
    expect(figure(element, 'results', 'roi')).to.equal('ROI No ROI: no cost recorded');
  });

  it('should reload from the keyboard and reach the links table by Tab', async () => {
    const memory = withSends();
    const element = await mount(memory.client, memory.campaign.id);
    const before = memory.calls.length;
    element.shadowRoot!.querySelector<HTMLButtonElement>('[part="reload"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => memory.calls.length >= before + 4, 5000, 'figures read again');
    await until(() => Boolean(element.shadowRoot!.querySelector('[part="links"]')), 5000, 'links back');
    element.shadowRoot!.querySelector<HTMLButtonElement>('[part="reload"]')!.focus();
    const region = element.shadowRoot!.querySelector<HTMLElement>('[part="links"] .scroll')!;
    for (let i = 0; i < 40 && element.shadowRoot!.activeElement !== region; i++) await sendKeys({ press: 'Tab' });
    expect(element.shadowRoot!.activeElement).to.equal(region);
  });

  it('should show an error with "Try again" when the API cannot be reached', async () => {
    const element = await mount(failingCampaignAnalyticsClient, '000000000000000000c00001');
    expect(element.shadowRoot!.querySelector('crm-state[kind="error"]')).not.to.equal(null);
  });

  for (const width of [phoneWidth, deskWidth]) {
    it(`should fit ${width} px, axe-clean`, async () => {
      await useViewport(width);
      const memory = withSends();
      const element = await mount(memory.client, memory.campaign.id, 'de');
      await until(() => Boolean(element.shadowRoot!.querySelector('crm-chart')), 5000, 'chart shown');
      expectFitsLayout(element);
      await expectAccessible(element);
    });
  }
});
