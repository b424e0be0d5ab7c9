import type { OperationQuery, Schema } from '../core/api-types.js';
import { CrudResource } from '../core/crud-resource.js';
import type { ListParams } from '../core/pagination.js';

/** A custom field a sysadmin defined on a record type; values live in each record's `custom`. */
export type CustomField = Schema<'CustomField'>;
/** The body of `crm.customFields.create`. */
export type CustomFieldCreateParams = Schema<'CustomFieldCreate'>;
/** The body of `crm.customFields.update`. */
export type CustomFieldUpdateParams = Schema<'CustomFieldUpdate'>;
/** The query of `crm.customFields.list`: `resource` to see one record type's fields. */
export type CustomFieldListParams = OperationQuery<'listCustomFields'> & ListParams;

/**
 * Custom field definitions (`crm.customFields`).
 *
 * @example await crm.customFields.create({ resource: 'contact', key: 'tier', label: 'Tier', type: 'string' });
 */
export class CustomFields extends CrudResource<CustomField, CustomFieldCreateParams, CustomFieldUpdateParams, CustomFieldListParams> {
  protected readonly resource = 'custom-fields';
}
