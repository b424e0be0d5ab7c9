// <crm-send-status> on the in-memory API: the real API only has uncertain messages after a worker dies
// mid-send, which a browser test cannot arrange; the double answers getGreeting and the two uncertain
// routes as the OpenAPI document declares them (src/test/memory-route.ts), through the real SDK.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { until } from '../test/live-api.js';
import { createMemoryApi, makeGreeting, MemoryApiError } from '../test/memory-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmSendStatus } from './send-status.component.js';
import './send-status.js';

const user = { id: '000000000000000000000001', name: 'Ada Admin', email: 'ada@example.com' };

async function mount(memory: ReturnType<typeof createMemoryApi>, id: string, { locale = 'en', readonly = false } = {}): Promise<CrmSendStatus> {
  const provider = await fixture(
    html`<crm-provider .client=${memory.client} .user=${user} locale=${locale}><crm-send-status greeting-id=${id} ?readonly=${readonly}></crm-send-status></crm-provider>`,
  );
  const status = provider.querySelector('crm-send-status')!;
  await until(() => Boolean(status.shadowRoot!.querySelector('[part="counts"]')), 5000, 'counts shown');
  return status;
}

const text = (status: CrmSendStatus, selector: string) => status.shadowRoot!.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const resendButton = (status: CrmSendStatus) => status.shadowRoot!.querySelector<HTMLButtonElement>('[part="resend"]');
const resends = (memory: ReturnType<typeof createMemoryApi>) => memory.calls.filter((c) => c.method === 'POST' && /\/resend-uncertain$/.test(c.path));

describe('crm-send-status', () => {
  afterEach(resetViewport);

  it('should show the counts and no uncertain part or resend button when nothing is uncertain', async () => {
    const greeting = makeGreeting(1, { state: 'completed', sent: 40, failed: 1, skipped: 2 });
    const status = await mount(createMemoryApi({ greetings: [greeting] }), greeting.id);
    expect(text(status, '[part="counts"]')).to.include('40 sent').and.include('1 failed').and.include('2 skipped');
    expect(text(status, '[part="counts"]')).not.to.include('uncertain');
    expect(status.shadowRoot!.querySelector('[part="uncertain"]')).to.equal(null);
    expect(resendButton(status)).to.equal(null);
  });

  it('should show the uncertain count with its explanation and a "Resend these N" button, in English and German', async () => {
    const greeting = makeGreeting(2, { sent: 10, uncertain: 3 });
    const status = await mount(createMemoryApi({ greetings: [greeting] }), greeting.id);
    expect(text(status, '[part="counts"]')).to.include('3 uncertain');
    expect(text(status, '[part="uncertain"]')).to.include('may or may not have been delivered: the server stopped mid-send');
    expect(resendButton(status)!.textContent!.trim()).to.equal('Resend these 3');
    await expectAccessible(status);

    const one = makeGreeting(3, { sent: 1, uncertain: 1 });
    const german = await mount(createMemoryApi({ greetings: [one] }), one.id, { locale: 'de' });
    expect(text(german, '[part="counts"]')).to.include('1 ungewiss');
    expect(resendButton(german)!.textContent!.trim()).to.equal('Diese eine erneut senden');
  });

  it('should resend exactly once on a double click, disable the button while it runs, announce it and read the counts again', async () => {
    const greeting = makeGreeting(4, { sent: 10, uncertain: 3 });
    const memory = createMemoryApi({ greetings: [greeting], latencyMs: 50 });
    const status = await mount(memory, greeting.id);
    const button = resendButton(status)!;
    button.click();
    button.click();
    await status.updateComplete;
    expect(button.disabled, 'disabled while the resend runs').to.equal(true);
    button.click();
    await until(() => !resendButton(status), 5000, 'uncertain part gone');
    expect(resends(memory)).to.have.length(1);
    const post = memory.calls.findIndex((c) => c.method === 'POST');
    expect(memory.calls.slice(post + 1).some((c) => c.method === 'GET' && c.path === `/v1/greetings/${greeting.id}`), 'progress read again after the resend').to.equal(true);
    expect(text(status, '[part="counts"]')).not.to.include('uncertain');
    expect(text(status, '[part="counts"]')).to.include('3 pending');
    expect(text(status, '[role="status"]')).to.equal('3 messages queued again.');
  });

  it('should resend from the keyboard and announce a refusal, leaving the button to try again', async () => {
    const greeting = makeGreeting(5, { sent: 10, uncertain: 2 });
    const memory = createMemoryApi({ greetings: [greeting] });
    memory.failNext('POST', /\/resend-uncertain$/, new MemoryApiError(409, 'conflict', 'No mail server is configured'));
    const status = await mount(memory, greeting.id);
    resendButton(status)!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => text(status, '[role="status"]').length > 0, 5000, 'refusal announced');
    expect(text(status, '[role="status"]')).to.include('No mail server is configured');
    expect(resendButton(status)!.disabled).to.equal(false);
    expect(text(status, '[part="counts"]')).to.include('2 uncertain');
    resendButton(status)!.focus();
    await sendKeys({ press: 'Space' });
    await until(() => !resendButton(status), 5000, 'resent on the second try');
    expect(resends(memory)).to.have.length(2);
  });

  it('should show no resend button to a user who may not send', async () => {
    const greeting = makeGreeting(6, { sent: 10, uncertain: 2 });
    const status = await mount(createMemoryApi({ greetings: [greeting] }), greeting.id, { readonly: true });
    expect(text(status, '[part="uncertain"]')).to.include('may or may not have been delivered');
    expect(resendButton(status)).to.equal(null);
  });

  for (const width of [phoneWidth, deskWidth]) {
    it(`should fit ${width} px with the uncertain part shown`, async () => {
      await useViewport(width);
      const greeting = makeGreeting(7, { sent: 1180, failed: 3, skipped: 12, uncertain: 7 });
      const status = await mount(createMemoryApi({ greetings: [greeting] }), greeting.id, { locale: 'de' });
      expectFitsLayout(status);
      await expectAccessible(status);
    });
  }
});
