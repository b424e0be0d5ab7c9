import type { OperationQuery, Schema } from '../core/api-types.js';
import { WorkflowRecordResource } from '../core/crud-resource.js';
import { path } from '../core/path.js';
import type { ListParams } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import type { QueryParams } from '../internal/query.js';
import type { CampaignEngagementList } from './campaigns.js';
import type { DocumentBody } from './customers.js';
import { getSubscriptions, setSubscription, type MessageSubscriptions, type SubscriptionChangeParams } from './subscriptions.js';

/** A person the agency deals with: names, emails, phones, company, owner, status and custom fields. */
export type Contact = Schema<'Contact'>;
/** The body of `crm.contacts.create`. */
export type ContactCreateParams = Schema<'ContactCreate'>;
/** The body of `crm.contacts.update`: only the fields sent change. */
export type ContactUpdateParams = Schema<'ContactUpdate'>;
/** The query of `crm.contacts.list`: paging, search (`q`), `sort` and the declared filters (`status`, `ownerId`...). */
export type ContactListParams = OperationQuery<'listContacts'> & ListParams;
/** The query of `crm.contacts.export`: the list filters without paging. */
export type ContactExportParams = OperationQuery<'exportContacts'> & QueryParams;
/** What `crm.contacts.scanCard` answers: the draft read from the card, the recognised text and a confidence per field. */
export type CardScan = Schema<'CardScan'>;
/** The part of a ContactCreate body a business card gave; review it, then pass it (completed) to `crm.contacts.create`. */
export type CardScanDraft = Schema<'CardScanDraft'>;

/** The image type of a card photo by its first bytes (the API takes PNG, JPEG and WebP, each named in Content-Type). */
function imageTypeOf(head: Uint8Array): string | undefined {
  if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/**
 * Contacts (`crm.contacts`): the standard record routes under `/v1/contacts`, message subscriptions and
 * the contact's picture.
 *
 * @example const contact = await crm.contacts.create({ firstName: 'Ada', lastName: 'Lovelace' });
 */
export class Contacts extends WorkflowRecordResource<Contact, ContactCreateParams, ContactUpdateParams, ContactListParams, ContactExportParams> {
  protected readonly resource = 'contacts';

  /** What messages the contact receives, per category and channel. */
  subscriptions(id: string, options?: RequestOptions): Promise<MessageSubscriptions> {
    return getSubscriptions(this._transport, 'contacts', id, options);
  }

  /**
   * The campaigns that reached the contact, newest first, and what the contact did with each: sent,
   * delivered, opened, clicked (which links), bounced, replied, unsubscribed (our own sends), and the
   * Mailwizz campaigns sent to its lists (Mailwizz tells only unsubscribes per person).
   */
  campaignEngagement(id: string, options?: RequestOptions): Promise<CampaignEngagementList> {
    return this._transport.get<CampaignEngagementList>(path`/v1/contacts/${id}/campaign-engagement`, undefined, options);
  }

  /** Subscribes the contact to, or unsubscribes it from, a category on a channel. */
  setSubscription(id: string, params: SubscriptionChangeParams, options?: RequestOptions): Promise<MessageSubscriptions> {
    return setSubscription(this._transport, 'contacts', id, params, options);
  }

  /**
   * Uploads the contact's picture (PNG, JPEG, GIF or WebP, recognised by its bytes; at most 1 MB), replacing
   * any earlier one. The answer's `pictureUrl` shows the image without credentials, so an `<img>` can use it.
   */
  async uploadPicture(id: string, image: DocumentBody, options?: RequestOptions): Promise<Contact> {
    const contentType = (typeof Blob !== 'undefined' && image instanceof Blob && image.type) || 'application/octet-stream';
    const request = { method: 'PUT' as const, path: path`/v1/contacts/${id}/picture`, body: image, contentType };
    return (await this._transport.request<Contact>(request, options)).data;
  }

  /**
   * Reads a photo of a business card (PNG, JPEG or WebP: a `File` from `<input type=file>`, a `Blob` or
   * bytes) into a contact draft: name, job title, company and website, emails, phones, address, each with
   * a confidence. Nothing is stored; the person reviews the draft and saves it with `create`.
   *
   * @example const { contact } = await crm.contacts.scanCard(file); await crm.contacts.create({ firstName: '', lastName: '', ...contact });
   */
  async scanCard(image: Blob | ArrayBuffer | Uint8Array, options?: RequestOptions): Promise<CardScan> {
    const head = image instanceof Uint8Array ? image.subarray(0, 12) : new Uint8Array(image instanceof ArrayBuffer ? image.slice(0, 12) : await image.slice(0, 12).arrayBuffer());
    const declared = typeof Blob !== 'undefined' && image instanceof Blob && /^image\/(png|jpeg|webp)$/.test(image.type) ? image.type : undefined;
    // A type the API does not take is sent as it is, so the API's 415 names the types it does.
    const contentType = declared ?? imageTypeOf(head) ?? ((typeof Blob !== 'undefined' && image instanceof Blob && image.type) || 'application/octet-stream');
    return (await this._transport.request<CardScan>({ method: 'POST', path: '/v1/contacts/card-scan', body: image, contentType }, options)).data;
  }

  /** Removes the contact's picture; answers with the contact, its `pictureUrl` now null. */
  async removePicture(id: string, options?: RequestOptions): Promise<Contact> {
    return (await this._transport.request<Contact>({ method: 'DELETE', path: path`/v1/contacts/${id}/picture` }, options)).data;
  }
}
