import { html, type TemplateResult } from 'lit';
import type { PortalPreferences, PortalProfile } from '@crm/client-sdk/public';
import type { PortalHost } from '../host.js';
import { say } from '../strings.js';

interface ProfileState {
  profile: PortalProfile | null;
  preferences: PortalPreferences | null;
  error: string;
  saved: string;
  saving: boolean;
}

const states = new WeakMap<PortalHost, ProfileState>();

function stateOf(host: PortalHost): ProfileState {
  let state = states.get(host);
  if (!state) states.set(host, (state = { profile: null, preferences: null, error: '', saved: '', saving: false }));
  return state;
}

/** Loads the customer's details and preferences. */
export function show(host: PortalHost): void {
  const state = stateOf(host);
  state.saved = '';
  void Promise.all([host.crm.portal.me.get(), host.crm.portal.me.preferences()]).then(
    ([profile, preferences]) => {
      state.profile = profile;
      state.preferences = preferences;
      state.error = '';
      host.requestUpdate();
    },
    (error: unknown) => {
      state.error = host.describe(error);
      host.requestUpdate();
    },
  );
}

async function save(host: PortalHost, event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const state = stateOf(host);
  const data = new FormData(event.target as HTMLFormElement);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  state.saving = true;
  state.saved = '';
  host.requestUpdate();
  try {
    state.profile = await host.crm.portal.me.update({
      firstName: text('firstName') || undefined,
      lastName: text('lastName') || undefined,
      phone: text('phone') || null,
      jobTitle: text('jobTitle') || null,
      locale: text('locale') === 'de' ? 'de' : 'en',
    });
    const subscriptions = (state.preferences?.subscriptions ?? []).map((s) => ({ category: s.category, channel: s.channel, subscribed: data.get(`sub-${s.category}-${s.channel}`) === 'on' }));
    state.preferences = await host.crm.portal.me.updatePreferences({ marketing: data.get('marketing') === 'on', subscriptions });
    state.error = '';
    state.saved = say(state.profile.customer.locale === 'de' ? 'de' : 'en', 'saved');
  } catch (error) {
    state.error = host.describe(error);
  } finally {
    state.saving = false;
    host.requestUpdate();
  }
}

/** The customer's details, language, consent and subscriptions, in one form. */
export function render(host: PortalHost): TemplateResult {
  const state = stateOf(host);
  const t = (key: Parameters<typeof say>[1]) => say(host.locale, key);
  const { profile, preferences } = state;
  const input = (name: string, label: string, value: string | null | undefined, type = 'text', autocomplete = 'off') =>
    html`<div class="field"><label for="p-${name}">${label}</label><input id="p-${name}" name=${name} type=${type} autocomplete=${autocomplete} .value=${value ?? ''} part="input" /></div>`;
  return html`<section data-page="profile">
    <h2 tabindex="-1">${t('profileTitle')}</h2>
    <p class="alert" role="alert">${state.error}</p>
    ${profile && preferences
      ? html`<form novalidate @submit=${(e: SubmitEvent) => save(host, e)}>
          <p class="muted">${profile.contact.email ?? ''}${profile.account ? html` · ${t('account')}: ${profile.account.name}` : ''}</p>
          <div class="grid">
            <div>
              ${input('firstName', t('firstName'), profile.contact.firstName, 'text', 'given-name')} ${input('lastName', t('lastName'), profile.contact.lastName, 'text', 'family-name')}
              ${input('phone', t('phone'), profile.contact.phone, 'tel', 'tel')} ${input('jobTitle', t('jobTitle'), profile.contact.jobTitle, 'text', 'organization-title')}
              <div class="field">
                <label for="p-locale">${t('language')}</label>
                <select id="p-locale" name="locale" part="input">
                  <option value="en" ?selected=${profile.customer.locale !== 'de'}>English</option>
                  <option value="de" ?selected=${profile.customer.locale === 'de'}>Deutsch</option>
                </select>
              </div>
            </div>
            <fieldset>
              <legend>${t('preferencesTitle')}</legend>
              <label class="check"><input type="checkbox" name="marketing" ?checked=${preferences.consent.marketing} />${t('marketing')}</label>
              ${preferences.subscriptions.map(
                (s) => html`<label class="check"><input type="checkbox" name="sub-${s.category}-${s.channel}" ?checked=${s.subscribed} />${say(host.locale, 'subscribed', { category: s.category })}</label>`,
              )}
            </fieldset>
          </div>
          <div class="row"><button type="submit" part="button" ?disabled=${state.saving}>${state.saving ? t('sending') : t('save')}</button><span role="status">${state.saved}</span></div>
        </form>`
      : html`<p class="muted">${t('loading')}</p>`}
  </section>`;
}
