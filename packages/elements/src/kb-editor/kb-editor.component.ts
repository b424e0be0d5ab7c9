import type { KbArticle, KbArticleSummary, KbArticleVersion, KbCategory } from '@crm/client-sdk';
import { Task as LitTask } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { CrmArticleSavedEvent } from '../events/kb-events.js';
import { readProblem } from '../shared/api/errors.js';
import { createArticle, getArticle, kbClient, listArticles, listCategories, listVersions, restoreVersion, saveArticle, setPublished, type ArticleDraft, type CrmKbClient } from '../shared/api/kb.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDateTime, formatRelative } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { kbEditorStyles } from './kb-editor.styles.js';

const visibilities = ['internal', 'customers', 'public'] as const;
const languages = ['en', 'de'] as const;

/**
 * The knowledge-base editor for agents (through `crm.kb`): articles newest change first, filtered by
 * category and status; an editor with Markdown and a preview rendered by the API (sanitised there),
 * visibility (internal, customers, public), category and language; save, publish, unpublish; the
 * versions with restore. Writes are conditional on the version read, so two editors never overwrite
 * each other. Works by keyboard and at 390 px.
 *
 * @summary Write, publish and version knowledge-base articles.
 *
 * @event crm-article-saved - An article was saved, published, unpublished or restored; `detail.article` is the API's record.
 *
 * @csspart filters - The category and status filters.
 * @csspart article - One article's button in the list.
 * @csspart editor - The editing form.
 * @csspart preview - The rendered article.
 * @csspart versions - The list of versions.
 *
 * @cssproperty --crm-kb-editor-background - Background of an article in the list. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-kb-editor-accent - The picked article's border. Defaults to `--crm-sys-color-primary`.
 */
export class CrmKbEditor extends CrmDataElement {
  static override styles = [controlStyles, kbEditorStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** Only articles of this category (its id); empty for all. */
  @property({ attribute: 'category-id', reflect: true }) categoryId = '';

  /** Only articles in this status (draft or published); empty for both. */
  @property({ reflect: true }) status = '';

  /** The article open in the editor (its id); empty for none. */
  @property({ attribute: 'article-id', reflect: true }) articleId = '';

  @state() private articles: KbArticleSummary[] = [];
  @state() private categories: KbCategory[] = [];
  @state() private article: KbArticle | null = null;
  @state() private draft: ArticleDraft | null = null;
  @state() private versions: KbArticleVersion[] = [];
  @state() private busy = false;
  @state() private problem = '';
  @state() private notice = '';
  @state() private showPreview = false;

  private readonly load = new LitTask(this, {
    args: () => [this.client, this.categoryId, this.status] as const,
    task: async ([, categoryId, status], { signal }) => {
      const [page, categories] = await Promise.all([listArticles(this.kb, { categoryId, status, limit: 200 }, { signal }), listCategories(this.kb, { signal })]);
      this.articles = page.data;
      this.categories = categories;
      return page.data.length;
    },
  });

  private readonly open = new LitTask(this, {
    args: () => [this.client, this.articleId] as const,
    task: async ([, id], { signal }) => {
      if (!id) {
        this.article = null;
        this.draft = null;
        this.versions = [];
        return null;
      }
      const [article, versions] = await Promise.all([getArticle(this.kb, id, { signal }), listVersions(this.kb, id, { signal })]);
      this.show(article, versions);
      return article;
    },
  });

  private get kb(): CrmKbClient {
    return kbClient(this.api);
  }

  /** Loads the list again. */
  reload(): void {
    void this.load.run();
  }

  private show(article: KbArticle, versions?: KbArticleVersion[]): void {
    this.article = article;
    this.draft = { title: article.title, body: article.body, categoryId: article.categoryId, visibility: article.visibility, language: article.language };
    if (versions) this.versions = versions;
  }

  private newArticle(): void {
    this.articleId = '';
    this.article = null;
    this.versions = [];
    this.problem = '';
    this.showPreview = false;
    this.draft = { title: '', body: '', categoryId: this.categoryId || null, visibility: 'internal', language: 'en' };
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('input[name="title"]')?.focus());
  }

  /** Runs a write, shows its problem or announces its result, and refreshes what it changed. */
  private async write(action: () => Promise<KbArticle>, change: 'saved' | 'published' | 'unpublished' | 'restored'): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.problem = '';
    try {
      const article = await action();
      const versions = await listVersions(this.kb, article.id);
      this.show(article, versions);
      this.articleId = article.id;
      this.notice = this.msg(`kb.done.${change}`);
      this.emit(new CrmArticleSavedEvent({ article, change }));
      void this.load.run();
    } catch (error) {
      this.problem = readProblem(error).detail;
    } finally {
      this.busy = false;
    }
  }

  private save(event: Event): void {
    event.preventDefault();
    const draft = this.draft;
    if (!draft) return;
    if (!draft.title.trim()) {
      this.problem = this.msg('kb.titleRequired');
      return;
    }
    const article = this.article;
    void this.write(() => (article ? saveArticle(this.kb, article.id, draft, article.version) : createArticle(this.kb, draft)), 'saved');
  }

  private edit<K extends keyof ArticleDraft>(key: K, value: ArticleDraft[K]): void {
    if (this.draft) this.draft = { ...this.draft, [key]: value };
  }

  private categoryName(id: string | null): string {
    return this.categories.find((c) => c.id === id)?.name ?? this.msg('kb.noCategory');
  }

  private renderCategoryOptions(selected: string | null | undefined, none: string): TemplateResult {
    return html`<option value="" ?selected=${!selected}>${none}</option>
      ${this.categories.map((c) => html`<option value=${c.id} ?selected=${selected === c.id}>${c.parentId ? `— ${c.name}` : c.name}</option>`)}`;
  }

  private renderFilters(): TemplateResult {
    return html`<div part="filters" class="toolbar">
      <label>${this.msg('kb.category')}
        <select class="native" name="category" @change=${(e: Event) => (this.categoryId = (e.target as HTMLSelectElement).value)}>${this.renderCategoryOptions(this.categoryId, this.msg('kb.allCategories'))}</select>
      </label>
      <label>${this.msg('kb.status')}
        <select class="native" name="status" @change=${(e: Event) => (this.status = (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!this.status}>${this.msg('kb.any')}</option>
          <option value="draft" ?selected=${this.status === 'draft'}>${this.msg('kb.status.draft')}</option>
          <option value="published" ?selected=${this.status === 'published'}>${this.msg('kb.status.published')}</option>
        </select>
      </label>
      <button type="button" class="primary" @click=${this.newArticle}>${this.msg('kb.new')}</button>
    </div>`;
  }

  private renderList(): TemplateResult {
    return html`${this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => (this.articles.length ? this.renderArticles() : html`<crm-state kind="loading"></crm-state>`),
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: () => (this.articles.length ? this.renderArticles() : html`<crm-state kind="empty" message=${this.msg('kb.empty')}></crm-state>`),
    })}`;
  }

  private renderArticles(): TemplateResult {
    return html`<p class="muted" role="status">${this.plural('kb.count', this.articles.length)}</p>
      <ul aria-label=${this.msg('kb.label')}>
        ${this.articles.map(
          (a) => html`<li>
            <button part="article" type="button" class="article" data-article=${a.id} aria-current=${a.id === this.articleId ? 'true' : 'false'}
              @click=${() => { this.problem = ''; this.notice = ''; this.showPreview = false; this.articleId = a.id; }}>
              <span class="title">${a.title}</span>
              <span class="badge">${this.msg(`kb.status.${a.status}`)}${a.status === 'published' && a.hasUnpublishedChanges ? ` · ${this.msg('kb.changed')}` : ''}</span>
              <span class="muted">${this.categoryName(a.categoryId)} · ${this.msg(`kb.visibility.${a.visibility}`)} · ${a.language.toUpperCase()}</span>
              <time class="muted" datetime=${a.updatedAt}>${this.msg('kb.updated', { when: formatRelative(a.updatedAt, this.activeLocale) })}</time>
            </button>
          </li>`,
        )}
      </ul>`;
  }

  private renderEditor(): TemplateResult | typeof nothing {
    const draft = this.draft;
    if (!draft) {
      if (this.articleId && this.open.status !== 3) return html`<crm-state kind="loading"></crm-state>`;
      return html`<crm-state kind="empty" message=${this.msg('kb.pick')}></crm-state>`;
    }
    const article = this.article;
    return html`<form part="editor" class="editor" @submit=${this.save} aria-label=${article ? this.msg('kb.editing', { title: article.title }) : this.msg('kb.new')}>
      <label>${this.msg('kb.title')}<input name="title" required maxlength="200" .value=${draft.title} @input=${(e: Event) => this.edit('title', (e.target as HTMLInputElement).value)} /></label>
      <div class="row">
        <label>${this.msg('kb.category')}
          <select class="native" name="categoryId" @change=${(e: Event) => this.edit('categoryId', (e.target as HTMLSelectElement).value || null)}>${this.renderCategoryOptions(draft.categoryId, this.msg('kb.noCategory'))}</select>
        </label>
        <label>${this.msg('kb.visibility')}
          <select class="native" name="visibility" @change=${(e: Event) => this.edit('visibility', (e.target as HTMLSelectElement).value as ArticleDraft['visibility'])}>
            ${visibilities.map((v) => html`<option value=${v} ?selected=${draft.visibility === v}>${this.msg(`kb.visibility.${v}`)}</option>`)}
          </select>
        </label>
        <label>${this.msg('kb.language')}
          <select class="native" name="language" @change=${(e: Event) => this.edit('language', (e.target as HTMLSelectElement).value as ArticleDraft['language'])}>
            ${languages.map((l) => html`<option value=${l} ?selected=${draft.language === l}>${this.msg(`kb.language.${l}`)}</option>`)}
          </select>
        </label>
      </div>
      <label>${this.msg('kb.body')}<textarea name="body" maxlength="100000" .value=${draft.body} @input=${(e: Event) => this.edit('body', (e.target as HTMLTextAreaElement).value)}></textarea></label>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : nothing}
      <p class="muted" role="status">${this.notice}</p>
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>${this.msg('kb.save')}</button>
        ${article
          ? html`<button type="button" name="publish" ?disabled=${this.busy || (article.status === 'published' && !article.hasUnpublishedChanges)}
                @click=${() => this.write(() => setPublished(this.kb, article.id, true, article.version), 'published')}>${this.msg('kb.publish')}</button>
              ${article.status === 'published'
                ? html`<button type="button" name="unpublish" ?disabled=${this.busy} @click=${() => this.write(() => setPublished(this.kb, article.id, false, article.version), 'unpublished')}>${this.msg('kb.unpublish')}</button>`
                : nothing}
              <button type="button" name="preview" aria-pressed=${this.showPreview ? 'true' : 'false'} @click=${() => (this.showPreview = !this.showPreview)}>${this.msg('kb.preview')}</button>`
          : nothing}
      </div>
      ${article && this.showPreview
        ? html`<section aria-label=${this.msg('kb.preview')}><p class="muted">${this.msg('kb.previewSaved')}</p><div part="preview" class="preview">${unsafeHTML(article.html)}</div></section>`
        : nothing}
      ${article ? this.renderVersions(article) : nothing}
    </form>`;
  }

  private renderVersions(article: KbArticle): TemplateResult {
    return html`<section part="versions" class="versions" aria-label=${this.msg('kb.versions')}>
      <h3>${this.msg('kb.versions')}</h3>
      <ul>
        ${this.versions.map(
          (v) => html`<li>
            <span>${this.msg('kb.version', { number: v.number })} · ${v.current ? this.msg(`kb.current.${v.current}`) : v.published ? this.msg('kb.wasPublished', { when: formatDateTime(v.publishedAt, this.activeLocale) }) : this.msg('kb.status.draft')}</span>
            ${v.current === 'draft'
              ? nothing
              : html`<button type="button" data-restore=${v.number} ?disabled=${this.busy} aria-label=${this.msg('kb.restoreVersion', { number: v.number })}
                  @click=${() => this.write(() => restoreVersion(this.kb, article.id, v.number, article.version), 'restored')}>${this.msg('kb.restore')}</button>`}
          </li>`,
        )}
      </ul>
    </section>`;
  }

  override render() {
    return html`${this.renderFilters()}<div class="layout"><div class="list">${this.renderList()}</div><div>${this.renderEditor()}</div></div>`;
  }
}
