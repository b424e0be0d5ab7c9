import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmKbEditor } from './kb-editor.component.js';
import './kb-editor.js';

async function mount(api: LiveApi, { locale = 'en', articleId = '' } = {}): Promise<CrmKbEditor> {
  const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${locale}><crm-kb-editor article-id=${articleId}></crm-kb-editor></crm-provider>`);
  const editor = provider.querySelector('crm-kb-editor')!;
  await until(() => Boolean(editor.shadowRoot!.querySelector('.list [part="article"], .list crm-state[kind="empty"]')), 8000, 'articles loaded');
  return editor;
}

const titles = (editor: CrmKbEditor) => [...editor.shadowRoot!.querySelectorAll('[part="article"] .title')].map((n) => n.textContent);
const $ = <T extends Element>(editor: CrmKbEditor, selector: string) => editor.shadowRoot!.querySelector<T>(selector)!;

describe('crm-kb-editor', () => {
  let api: LiveApi;
  let billingId: string;
  let resetId: string;
  before(async () => {
    api = await liveApi();
    billingId = (await api.client.kb.categories.create({ name: 'Billing' })).id;
    await api.client.kb.articles.create({ title: 'Download an invoice', body: 'Open **Billing**.', categoryId: billingId, visibility: 'customers' } as never);
    const reset = await api.client.kb.articles.create({ title: 'Reset your password', body: 'Choose *Forgot password*.', visibility: 'public' } as never);
    resetId = reset.id;
    await api.client.kb.articles.publish(reset.id);
  });
  afterEach(resetViewport);

  it('should list the articles from the real API with a counted heading, and filter by category, axe-clean', async () => {
    const editor = await mount(api);
    expect(titles(editor)).to.have.members(['Download an invoice', 'Reset your password']);
    expect(editor.shadowRoot!.textContent).to.include('2 articles');
    await expectAccessible(editor);
    const category = $<HTMLSelectElement>(editor, 'select[name="category"]');
    category.value = billingId;
    category.dispatchEvent(new Event('change'));
    await until(() => titles(editor).length === 1, 8000, 'category filter');
    expect(titles(editor)).to.deep.equal(['Download an invoice']);
  });

  it('should open an article by keyboard, save an edit as a new draft version, publish it and show the preview', async () => {
    const editor = await mount(api);
    const button = [...editor.shadowRoot!.querySelectorAll<HTMLElement>('[part="article"]')].find((b) => b.textContent!.includes('Reset your password'))!;
    button.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean(editor.shadowRoot!.querySelector('form[part="editor"] textarea')) && $<HTMLTextAreaElement>(editor, 'textarea').value.includes('Forgot'), 8000, 'article opened');
    const body = $<HTMLTextAreaElement>(editor, 'textarea[name="body"]');
    body.value = 'Choose **Forgot password** and check your inbox.';
    body.dispatchEvent(new Event('input'));
    const saved = oneEvent(editor, 'crm-article-saved');
    $<HTMLButtonElement>(editor, 'button[type="submit"]').click();
    expect((await saved).detail.article.draftVersion).to.equal(2);
    const published = oneEvent(editor, 'crm-article-saved');
    await until(() => !$<HTMLButtonElement>(editor, 'button[name="publish"]').disabled, 8000, 'publish enabled');
    $<HTMLButtonElement>(editor, 'button[name="publish"]').click();
    expect((await published).detail.change).to.equal('published');
    expect((await api.client.kb.articles.get(resetId)).publishedVersion).to.equal(2);
    $<HTMLButtonElement>(editor, 'button[name="preview"]').click();
    await until(() => Boolean(editor.shadowRoot!.querySelector('[part="preview"] strong')), 8000, 'preview');
    expect($(editor, '[part="preview"] strong').textContent).to.equal('Forgot password');
    expect(editor.shadowRoot!.querySelectorAll('[part="versions"] li').length).to.equal(2);
    await expectAccessible(editor);
  });

  it('should restore an old version as the working copy', async () => {
    const editor = await mount(api, { articleId: resetId });
    await until(() => Boolean(editor.shadowRoot!.querySelector('[data-restore="1"]')), 8000, 'versions shown');
    const restored = oneEvent(editor, 'crm-article-saved');
    $<HTMLButtonElement>(editor, '[data-restore="1"]').click();
    const { detail } = await restored;
    expect(detail.change).to.equal('restored');
    expect(detail.article.body).to.equal('Choose *Forgot password*.');
    expect(detail.article.publishedVersion).to.equal(2);
  });

  it('should write a new article and refuse an empty title without calling the API', async () => {
    const editor = await mount(api);
    [...editor.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="filters"] button')].find((b) => b.textContent === 'New article')!.click();
    await until(() => Boolean(editor.shadowRoot!.querySelector('input[name="title"]')), 8000, 'new form');
    $<HTMLFormElement>(editor, 'form').dispatchEvent(new Event('submit', { cancelable: true }));
    await until(() => Boolean(editor.shadowRoot!.querySelector('[role="alert"]')), 8000, 'title problem');
    const title = $<HTMLInputElement>(editor, 'input[name="title"]');
    title.value = 'Change your e-mail address';
    title.dispatchEvent(new Event('input'));
    const saved = oneEvent(editor, 'crm-article-saved');
    $<HTMLButtonElement>(editor, 'button[type="submit"]').click();
    expect((await saved).detail.article.status).to.equal('draft');
    await until(() => titles(editor).includes('Change your e-mail address'), 8000, 'list refreshed');
  });

  it('should speak German with plural counts and German labels', async () => {
    const editor = await mount(api, { locale: 'de' });
    expect(editor.shadowRoot!.textContent).to.match(/\d Artikel/);
    expect(editor.shadowRoot!.textContent).to.include('Neuer Artikel');
    expect(editor.shadowRoot!.textContent).to.include('Veröffentlicht');
  });

  for (const width of [phoneWidth, deskWidth]) {
    it(`should fit ${width} px`, async () => {
      await useViewport(width);
      const editor = await mount(api, { locale: 'de', articleId: resetId });
      await until(() => Boolean(editor.shadowRoot!.querySelector('form[part="editor"]')), 8000, 'editor open');
      expectFitsLayout(editor);
      await expectAccessible(editor);
    });
  }
});
