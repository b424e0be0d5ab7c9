import type { Connection } from 'mongoose';
import { recordTokens, type SearchableKind } from '../../platform/search/search-index.js';
import { registerSearchableKind } from '../../platform/search/search-registry.js';
import { matchWord, type QueryWord } from '../../platform/search/search-tokens.js';
import { articleModel, type Article } from './article.model.js';

/**
 * Articles are searched through the platform's search index (docs/search.md) as one kind, `article`,
 * whose entries hold the words of both the working copy and the live copy: title, tags and summary
 * (the start of the body), all on the small article document, which is also what confirms a match.
 * A reader of the portal gets only matches confirmed on the live copy (`matchesPublished`), so words
 * that exist only in an unpublished draft never find anything there.
 */
export interface ArticleSearchKinds {
  working: SearchableKind<Article>;
  /** Not registered or synced: only its `searchValues` are used, to confirm a match on the live copy. */
  published: SearchableKind<Article>;
}

/** The search kind of articles, registered on the connection, and the live-copy view of it. */
export function articleSearchKinds(connection: Connection): ArticleSearchKinds {
  const model = articleModel(connection);
  const published: SearchableKind<Article> = {
    resource: 'article',
    model,
    searchValues: (doc) => (doc.status === 'published' ? [doc.publishedTitle, ...(doc.publishedTags ?? []), doc.publishedSummary] : []),
  };
  const working: SearchableKind<Article> = {
    resource: 'article',
    model,
    searchValues: (doc) => [doc.title, ...(doc.tags ?? []), doc.summary, ...published.searchValues(doc)],
  };
  registerSearchableKind(connection, working);
  return { working, published };
}

/** How well the live copy of an article matches each word: 2 per whole word, 1 per prefix, null when a word does not match at all. */
export function publishedMatch(kinds: ArticleSearchKinds, doc: Article, words: QueryWord[]): number[] {
  const tokens = recordTokens(kinds.published, doc);
  return words.map((word) => {
    const match = matchWord(tokens, word);
    return match === 'exact' ? 2 : match === 'prefix' ? 1 : 0;
  });
}
