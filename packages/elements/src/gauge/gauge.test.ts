import { expect, fixture, html } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmGauge } from './gauge.component.js';
import './gauge.js';

async function mount(attrs: { value: number; target: number; format?: string; locale?: string; theme?: string }): Promise<CrmGauge> {
  const provider = await fixture(html`<crm-provider locale=${attrs.locale ?? 'en'} theme=${attrs.theme ?? 'light'}>
    <crm-gauge label="Won revenue, December" .value=${attrs.value} .target=${attrs.target} format=${attrs.format ?? 'currency'}></crm-gauge>
  </crm-provider>`);
  const gauge = provider.querySelector('crm-gauge')!;
  await gauge.updateComplete;
  return gauge;
}

/** Intl puts no-break spaces before € and %; compare as a reader sees it. */
const plain = (text: string | null) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');
const meter = (gauge: CrmGauge) => gauge.shadowRoot!.querySelector('[role="meter"]')!;

describe('crm-gauge', () => {
  afterEach(resetViewport);

  it('should be a meter named by its label, with value, bounds and a spoken value text', async () => {
    const gauge = await mount({ value: 12500, target: 20000 });
    const m = meter(gauge);
    expect(m.getAttribute('aria-valuenow')).to.equal('12500');
    expect(m.getAttribute('aria-valuemin')).to.equal('0');
    expect(m.getAttribute('aria-valuemax')).to.equal('20000');
    expect(m.getAttribute('aria-valuetext')).to.equal('€12,500 of €20,000 (62.5%)');
    const labelledBy = m.getAttribute('aria-labelledby')!;
    expect(gauge.shadowRoot!.getElementById(labelledBy)!.textContent).to.equal('Won revenue, December');
    expect(gauge.shadowRoot!.querySelector('[part="target"]')!.textContent).to.equal('Target €20,000');
    await expectAccessible(gauge);
  });

  it('should fill the ring by the share of the target, and full past it with the maximum raised to the value', async () => {
    const gauge = await mount({ value: 5, target: 20, format: 'number' });
    const dial = gauge.shadowRoot!.querySelector<HTMLElement>('[part="dial"]')!;
    expect(dial.style.getPropertyValue('--_share')).to.equal('0.25');
    gauge.value = 30;
    await gauge.updateComplete;
    expect(dial.style.getPropertyValue('--_share')).to.equal('1');
    expect(meter(gauge).getAttribute('aria-valuemax')).to.equal('30');
    expect(meter(gauge).getAttribute('aria-valuetext')).to.equal('30 of 20 (150%)');
  });

  it('should show only the value when there is no target', async () => {
    const gauge = await mount({ value: 42, target: 0, format: 'number' });
    expect(meter(gauge).getAttribute('aria-valuetext')).to.equal('42');
    expect(gauge.shadowRoot!.querySelector('[part="target"]')).to.equal(null);
  });

  it('should write numbers, money and percent the German way', async () => {
    const gauge = await mount({ value: 12500.5, target: 20000, locale: 'de' });
    expect(plain(meter(gauge).getAttribute('aria-valuetext'))).to.equal('12.500,50 € von 20.000 € (62,5 %)');
    expect(plain(gauge.shadowRoot!.querySelector('[part="target"]')!.textContent)).to.equal('Ziel 20.000 €');
    gauge.format = 'percent';
    gauge.value = 37.5;
    gauge.target = 50;
    await gauge.updateComplete;
    expect(plain(gauge.shadowRoot!.querySelector('[part="value"]')!.textContent)).to.equal('37,5 %');
  });

  it('should take the dark theme colours and stay axe-clean there', async () => {
    const gauge = await mount({ value: 3, target: 4, theme: 'dark', locale: 'de' });
    expect(getComputedStyle(gauge.shadowRoot!.querySelector('[part="value"]')!).color).to.equal('rgb(229, 228, 236)');
    await expectAccessible(gauge.parentElement!);
  });

  for (const width of [phoneWidth, deskWidth]) {
    it(`should fit ${width} px`, async () => {
      await useViewport(width);
      const gauge = await mount({ value: 12500, target: 20000 });
      expectFitsLayout(gauge);
      expect(gauge.shadowRoot!.querySelector('[part="dial"]')!.getBoundingClientRect().width).to.be.greaterThan(100);
    });
  }
});
