import type { OperationQuery, Schema } from '../core/api-types.js';
import { WorkflowRecordResource } from '../core/crud-resource.js';
import { path } from '../core/path.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import type { QueryParams } from '../internal/query.js';
import { getSubscriptions, setSubscription, type MessageSubscriptions, type SubscriptionChangeParams } from './subscriptions.js';

/** A customer account: a company or household, possibly inside a parent account. */
export type Customer = Schema<'Customer'>;
/** The body of `crm.customers.create`. */
export type CustomerCreateParams = Schema<'CustomerCreate'>;
/** The body of `crm.customers.update`: only the fields sent change. */
export type CustomerUpdateParams = Schema<'CustomerUpdate'>;
/** The query of `crm.customers.list` (also of `subtree`): paging, `q`, `sort` and filters such as `parentId`. */
export type CustomerListParams = OperationQuery<'listCustomers'> & ListParams;
/** The query of `crm.customers.export`. */
export type CustomerExportParams = OperationQuery<'exportCustomers'> & QueryParams;
/** The body of `crm.customers.move`: the new parent account, or null for a root. */
export type CustomerMoveParams = Schema<'CustomerMove'>;
/** The totals of an account and its descendants (`crm.customers.rollup`). */
export type CustomerRollup = Schema<'CustomerRollup'>;
/** A document stored on an account (metadata; the bytes come from `documents.download`). */
export type CustomerDocument = Schema<'CustomerDocument'>;
/** Feedback on an account: a survey answer or what staff recorded, about the account, a job or a PO. */
export type Feedback = Schema<'Feedback'>;
/** The body of `crm.customers.createFeedback`: the rating, a comment, and a `level` (`job` and `po` need a `reference`). */
export type FeedbackCreateParams = Schema<'CreateFeedback'>;
/** A file to upload: bytes or text, sent as they are. */
export type DocumentBody = Blob | ArrayBuffer | Uint8Array | string;

/**
 * Customer accounts (`crm.customers`): the standard record routes, the account tree (`move`, `subtree`,
 * `rollup`), stored documents, message subscriptions and feedback.
 *
 * @example const account = await crm.customers.create({ name: 'Acme Ltd' });
 */
export class Customers extends WorkflowRecordResource<Customer, CustomerCreateParams, CustomerUpdateParams, CustomerListParams, CustomerExportParams> {
  protected readonly resource = 'customers';

  /** What messages the account receives, per category and channel. */
  subscriptions(id: string, options?: RequestOptions): Promise<MessageSubscriptions> {
    return getSubscriptions(this._transport, 'customers', id, options);
  }

  /** Subscribes the account to, or unsubscribes it from, a category on a channel. */
  setSubscription(id: string, params: SubscriptionChangeParams, options?: RequestOptions): Promise<MessageSubscriptions> {
    return setSubscription(this._transport, 'customers', id, params, options);
  }

  /** Moves an account under another parent (or to the root with `parentId: null`). */
  move(id: string, params: CustomerMoveParams, options?: RequestOptions): Promise<Customer> {
    return this._transport.post<Customer>(path`/v1/customers/${id}/move`, params, options);
  }

  /** Lists the descendants of an account you may see. */
  subtree(id: string, params?: CustomerListParams, options?: RequestOptions): PagePromise<Customer> {
    return requestPage<Customer>(this._transport, path`/v1/customers/${id}/subtree`, params, options);
  }

  /** The totals of an account and its descendants: counts by status, credit limits... */
  rollup(id: string, options?: RequestOptions): Promise<CustomerRollup> {
    return this._transport.get<CustomerRollup>(path`/v1/customers/${id}/rollup`, undefined, options);
  }

  /** Uploads a document (at most 5 MB) to an account; `contentType` defaults to `application/octet-stream`. */
  async uploadDocument(
    id: string,
    file: DocumentBody,
    params: { fileName: string; contentType?: string },
    options?: RequestOptions,
  ): Promise<CustomerDocument> {
    const answer = await this._transport.request<CustomerDocument>(
      {
        method: 'POST',
        path: path`/v1/customers/${id}/documents`,
        query: { fileName: params.fileName },
        body: file,
        contentType: params.contentType ?? 'application/octet-stream',
        // The same key on every attempt: a retried upload stores the document once.
        autoIdempotencyKey: true,
      },
      options,
    );
    return answer.data;
  }

  /** Lists an account's documents (metadata only). */
  listDocuments(id: string, params?: ListParams, options?: RequestOptions): PagePromise<CustomerDocument> {
    return requestPage<CustomerDocument>(this._transport, path`/v1/customers/${id}/documents`, params, options);
  }

  /** Downloads a document's bytes, with their content type, as a `Blob`. */
  async downloadDocument(id: string, documentId: string, options?: RequestOptions): Promise<Blob> {
    const answer = await this._transport.request<Blob>(
      { method: 'GET', path: path`/v1/customers/${id}/documents/${documentId}`, responseType: 'blob' },
      { ...options, headers: { Accept: '*/*', ...options?.headers } },
    );
    return answer.data;
  }

  /** Deletes a document of an account. */
  removeDocument(id: string, documentId: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/customers/${id}/documents/${documentId}`, options);
  }

  /** The account's feedback, newest first: survey answers (`source: 'survey'`) and what staff recorded (`for await` reads every page). */
  listFeedback(id: string, params?: ListParams, options?: RequestOptions): PagePromise<Feedback> {
    return requestPage<Feedback>(this._transport, path`/v1/customers/${id}/feedback`, params, options);
  }

  /** Records feedback on the account, a job or a PO; a negative rating notifies the account manager (else the owner). */
  createFeedback(id: string, params: FeedbackCreateParams, options?: RequestOptions): Promise<Feedback> {
    return this._transport.post<Feedback>(path`/v1/customers/${id}/feedback`, params, options, true);
  }
}
