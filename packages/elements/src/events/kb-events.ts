import type { KbArticle } from '@crm/client-sdk';
import { CrmEvent } from './crm-event.js';

/** Fired after `<crm-kb-editor>` saved, published or unpublished an article; `detail.article` is the API's record. */
export class CrmArticleSavedEvent extends CrmEvent<{ article: KbArticle; change: 'saved' | 'published' | 'unpublished' | 'restored' }> {
  static readonly eventName = 'crm-article-saved';
  constructor(detail: { article: KbArticle; change: 'saved' | 'published' | 'unpublished' | 'restored' }) {
    super(CrmArticleSavedEvent.eventName, detail);
  }
}
