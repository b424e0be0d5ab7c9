import { html, nothing, type TemplateResult } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { PortalArticle, PortalArticleSummary } from '@crm/client-sdk/public';
import type { PortalHost } from '../host.js';
import { say, when } from '../strings.js';

interface KbState {
  query: string;
  articles: PortalArticleSummary[] | null;
  article: PortalArticle | null;
  error: string;
  voted: string;
}

const states = new WeakMap<PortalHost, KbState>();

function stateOf(host: PortalHost): KbState {
  let state = states.get(host);
  if (!state) states.set(host, (state = { query: '', articles: null, article: null, error: '', voted: '' }));
  return state;
}

async function search(host: PortalHost): Promise<void> {
  const state = stateOf(host);
  try {
    state.articles = await host.crm.portal.articles.list({ language: host.locale, limit: 20, ...(state.query ? { q: state.query } : {}) });
    state.error = '';
  } catch (error) {
    state.error = host.describe(error);
  }
  host.requestUpdate();
}

async function open(host: PortalHost, slug: string): Promise<void> {
  const state = stateOf(host);
  state.article = null;
  state.voted = '';
  try {
    state.article = await host.crm.portal.articles.get(slug, { language: host.locale });
    state.error = '';
  } catch (error) {
    state.error = host.describe(error);
  }
  host.requestUpdate();
}

async function vote(host: PortalHost, helpful: boolean): Promise<void> {
  const state = stateOf(host);
  if (!state.article) return;
  try {
    await host.crm.portal.articles.vote(state.article.id, { helpful });
    state.voted = say(host.locale, 'thanks');
  } catch (error) {
    state.error = host.describe(error);
  }
  host.requestUpdate();
}

/** Loads the list, or the article the page opened. */
export function show(host: PortalHost): void {
  if (host.articleSlug) void open(host, host.articleSlug);
  else void search(host);
}

/** The knowledge base: search, the list, and one article (sanitised HTML from the API) with "was this helpful". */
export function render(host: PortalHost): TemplateResult {
  const state = stateOf(host);
  const t = (key: Parameters<typeof say>[1]) => say(host.locale, key);
  if (host.articleSlug) {
    const article = state.article;
    return html`<section data-page="kb">
      <button type="button" class="link" part="button" @click=${() => host.go('kb')}>${t('navKb')}</button>
      <h2 tabindex="-1">${article?.title ?? t('loading')}</h2>
      <p class="alert" role="alert">${state.error}</p>
      ${article
        ? html`<p class="muted">${when(host.locale, article.publishedAt)}</p>
            <article part="article">${unsafeHTML(article.html)}</article>
            <div class="row" role="group" aria-label=${t('helpful')}>
              <span>${t('helpful')}</span>
              <button type="button" class="secondary" part="button" ?disabled=${Boolean(state.voted)} @click=${() => vote(host, true)}>${t('yes')}</button>
              <button type="button" class="secondary" part="button" ?disabled=${Boolean(state.voted)} @click=${() => vote(host, false)}>${t('no')}</button>
              <span role="status">${state.voted}</span>
            </div>`
        : nothing}
    </section>`;
  }
  return html`<section data-page="kb">
    <h2 tabindex="-1">${t('navKb')}</h2>
    <form
      role="search"
      @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        state.query = String(new FormData(e.target as HTMLFormElement).get('q') ?? '').trim();
        void search(host);
      }}
    >
      <label for="kb-q">${t('search')}</label>
      <div class="row"><input id="kb-q" name="q" type="search" .value=${state.query} part="input" /><button type="submit" part="button">${t('searchButton')}</button></div>
    </form>
    <p class="alert" role="alert">${state.error}</p>
    ${state.articles === null
      ? html`<p class="muted">${t('loading')}</p>`
      : state.articles.length
        ? html`<ul class="list">
            ${state.articles.map(
              (a) => html`<li><button type="button" class="link" part="button" @click=${() => host.go('kb', a.slug)}>${a.title}</button>${a.summary ? html`<div class="muted">${a.summary}</div>` : nothing}</li>`,
            )}
          </ul>`
        : html`<p class="muted">${t('noArticles')}</p>`}
  </section>`;
}
