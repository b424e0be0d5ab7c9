// Registers both widgets for Storybook, configured as the loader would configure them, but with the
// in-memory public API instead of the network. Every widget story imports this module.
import { start as startCampaignCard } from '../crm-campaign-card.js';
import { start as startReferralSignup } from '../crm-referral-signup.js';
import type { WidgetConfig } from '../shared/config.js';
import { storyFetch } from './public-api.js';

const config: WidgetConfig = { key: 'pk_storybook', api: 'https://crm.invalid', fetch: storyFetch };
startReferralSignup(config);
startCampaignCard(config);

/** Resolves with the first match of `selector` inside the shadow root of `host`'s first widget. */
export async function inWidget<T extends Element>(host: Element, tag: string, selector: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = host.querySelector(tag)?.shadowRoot?.querySelector<T>(selector);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`${tag}: nothing matches ${selector}`);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

/** Fills the signup form as a visitor would (input events), ticks the consent box and sends it. */
export async function fillAndSend(host: Element, values: Record<string, string>, options: { consent?: boolean } = {}): Promise<void> {
  const form = await inWidget<HTMLFormElement>(host, 'crm-referral-signup', 'form');
  for (const [name, value] of Object.entries(values)) {
    const input = form.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }
  const consent = form.querySelector<HTMLInputElement>('input[name="consent"]');
  if (consent && options.consent !== false) {
    consent.checked = true;
    consent.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
  }
  form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
}
