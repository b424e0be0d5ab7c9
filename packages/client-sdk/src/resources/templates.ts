import type { Schema } from '../core/api-types.js';
import { CrudResource } from '../core/crud-resource.js';
import { path } from '../core/path.js';
import type { RequestOptions } from '../core/request-options.js';

/** A message template: subject, HTML and text with placeholders, in a category. */
export type MessageTemplate = Schema<'MessageTemplate'>;
/** The body of `crm.templates.create`. */
export type MessageTemplateCreateParams = Schema<'CreateMessageTemplate'>;
/** The body of `crm.templates.update`. */
export type MessageTemplateUpdateParams = Schema<'UpdateMessageTemplate'>;
/** The body of `crm.templates.preview`: the contact or customer to render for. */
export type MessageTemplatePreviewParams = Schema<'PreviewMessageTemplate'>;
/** A template rendered for a recipient. */
export type RenderedMessage = Schema<'RenderedMessage'>;

/**
 * Message templates (`crm.templates`): CRUD and `preview`.
 *
 * @example const { subject, html } = await crm.templates.preview(template.id, { contactId });
 */
export class Templates extends CrudResource<MessageTemplate, MessageTemplateCreateParams, MessageTemplateUpdateParams> {
  protected readonly resource = 'templates';

  /** Renders a template for a contact or customer (or with sample values when neither is given). */
  preview(id: string, params: MessageTemplatePreviewParams = {}, options?: RequestOptions): Promise<RenderedMessage> {
    return this._transport.post<RenderedMessage>(path`/v1/templates/${id}/preview`, params, options);
  }
}
