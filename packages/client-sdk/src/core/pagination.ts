import type { Transport } from './transport.js';
import type { QueryValue } from '../internal/query.js';
import { CrmError } from './errors.js';
import type { RequestOptions } from './request-options.js';

/** Query parameters every list call takes (docs/http-contract.md, "Lists"); resources add their filters. */
export interface ListParams {
  /** Records per page, 1..200; the API's default is 50. */
  limit?: number;
  /** The `nextCursor` of the previous page; page iteration sets it for you. */
  cursor?: string;
  /** A field to sort by, `-` first for descending, e.g. `-createdAt`. */
  sort?: string;
  /** Free-text search. */
  q?: string;
  /** Filters: a field name and a scalar value to match. */
  [filter: string]: QueryValue;
}

/** The body of a list answer. */
export interface ListEnvelope<T> {
  /** Always `list`. */
  object?: 'list';
  /** The records of the page. */
  data: T[];
  /** True when more records follow. */
  hasMore: boolean;
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

type NextPageLoader<T> = (cursor: string) => Promise<Page<T>>;

/**
 * One page of a list: its records in `data`, and the way to the next page. A page is also an async
 * iterable over every record of this page and all later ones, fetching pages as the loop needs them.
 *
 * @example for await (const contact of await crm.contacts.list({ limit: 50 })) console.log(contact.id);
 */
export class Page<T> implements AsyncIterable<T> {
  /** The records of this page. */
  readonly data: T[];
  /** True when the API has records after this page. */
  readonly hasMore: boolean;
  /** The cursor of the next page, null on the last one. */
  readonly nextCursor: string | null;
  readonly #loadNext: NextPageLoader<T>;

  constructor(envelope: ListEnvelope<T>, loadNext: NextPageLoader<T>) {
    this.data = envelope.data;
    this.hasMore = envelope.hasMore;
    this.nextCursor = envelope.nextCursor;
    this.#loadNext = loadNext;
  }

  /** True when `nextPage()` will fetch another page. */
  hasNextPage(): boolean {
    return this.hasMore && typeof this.nextCursor === 'string' && this.nextCursor !== '';
  }

  /** Fetches the next page with the same query and options, or resolves null after the last page. */
  async nextPage(): Promise<Page<T> | null> {
    return this.hasNextPage() ? this.#loadNext(this.nextCursor as string) : null;
  }

  /** Iterates over this page and every later page. */
  async *iterPages(): AsyncGenerator<Page<T>, void, undefined> {
    yield this;
    for (let page = await this.nextPage(); page; page = await page.nextPage()) yield page;
  }

  /** Iterates over every record from this page on, across pages. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.iterPages()) yield* page.data;
  }
}

/**
 * What a list call returns at once: await it for the first `Page`, or `for await` over it directly to walk
 * every record across pages. The first request starts when the list call is made.
 *
 * @example for await (const contact of crm.contacts.list({ limit: 50 })) console.log(contact.id);
 */
export class PagePromise<T> implements Promise<Page<T>>, AsyncIterable<T> {
  readonly #page: Promise<Page<T>>;

  /** Shown by `Object.prototype.toString`; also makes a `PagePromise` usable wherever a `Promise` is expected. */
  get [Symbol.toStringTag](): string {
    return 'PagePromise';
  }

  constructor(page: Promise<Page<T>>) {
    this.#page = page;
  }

  /** Resolves with the first page. */
  then<R1 = Page<T>, R2 = never>(
    onFulfilled?: ((page: Page<T>) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#page.then(onFulfilled, onRejected);
  }

  /** Handles a failure of the first request. */
  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R> {
    return this.#page.catch(onRejected);
  }

  /** Runs `onFinally` once the first request settles. */
  finally(onFinally?: (() => void) | null): Promise<Page<T>> {
    return this.#page.finally(onFinally);
  }

  /** Iterates over every record of every page. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    yield* await this.#page;
  }
}

/** How a list route pages: the query parameter that takes the cursor and the answer's field that holds the next one. */
export interface Paging {
  /** Default `cursor`. */
  cursorParam: string;
  /** Default `nextCursor`. */
  nextCursorField: string;
}

const cursorPaging: Paging = { cursorParam: 'cursor', nextCursorField: 'nextCursor' };

/**
 * GETs a list route and wraps the answer in pages that follow `nextCursor` (or, with `paging`, another
 * cursor such as the timeline's `nextBefore`). A list that does not page (no `hasMore`) is one page.
 */
export function requestPage<T>(
  transport: Transport,
  path: string,
  query: object | undefined,
  options: RequestOptions | undefined,
  paging: Paging = cursorPaging,
): PagePromise<T> {
  const load = async (cursor: string | undefined): Promise<Page<T>> => {
    const envelope = await transport.get<ListEnvelope<T> & Record<string, unknown>>(
      path,
      cursor === undefined ? query : { ...query, [paging.cursorParam]: cursor },
      options,
    );
    if (!envelope || !Array.isArray(envelope.data)) {
      throw new CrmError(`GET ${path} did not answer with a list ({ data, hasMore, ${paging.nextCursorField} }).`);
    }
    const next = envelope[paging.nextCursorField];
    return new Page<T>(
      { data: envelope.data, hasMore: envelope.hasMore === true, nextCursor: typeof next === 'string' ? next : null },
      (nextCursor) => load(nextCursor),
    );
  };
  const first = (query as Record<string, unknown> | undefined)?.[paging.cursorParam];
  return new PagePromise(load(typeof first === 'string' ? first : undefined));
}
