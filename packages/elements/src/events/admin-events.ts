import type { CustomField, MessageTemplate, Pipeline, Product, SdkWorkflow } from '../shared/api/admin.js';
import { CrmEvent } from './crm-event.js';

/** Fired after the API saved a status workflow; `detail.workflow` is the stored one (its new `version`). */
export class CrmWorkflowSavedEvent extends CrmEvent<{ workflow: SdkWorkflow }> {
  static readonly eventName = 'crm-workflow-saved';
  constructor(detail: { workflow: SdkWorkflow }) {
    super(CrmWorkflowSavedEvent.eventName, detail);
  }
}

/** Fired after the API saved a pipeline's stages; `detail.pipeline` is the stored pipeline. */
export class CrmPipelineSavedEvent extends CrmEvent<{ pipeline: Pipeline }> {
  static readonly eventName = 'crm-pipeline-saved';
  constructor(detail: { pipeline: Pipeline }) {
    super(CrmPipelineSavedEvent.eventName, detail);
  }
}

/** Fired after a custom field definition was created or changed. */
export class CrmCustomFieldSavedEvent extends CrmEvent<{ field: CustomField; created: boolean }> {
  static readonly eventName = 'crm-custom-field-saved';
  constructor(detail: { field: CustomField; created: boolean }) {
    super(CrmCustomFieldSavedEvent.eventName, detail);
  }
}

/** Fired after a custom field definition (and the values records held for it) was deleted. */
export class CrmCustomFieldDeletedEvent extends CrmEvent<{ field: CustomField }> {
  static readonly eventName = 'crm-custom-field-deleted';
  constructor(detail: { field: CustomField }) {
    super(CrmCustomFieldDeletedEvent.eventName, detail);
  }
}

/** Fired after a message template was created or changed. */
export class CrmTemplateSavedEvent extends CrmEvent<{ template: MessageTemplate; created: boolean }> {
  static readonly eventName = 'crm-template-saved';
  constructor(detail: { template: MessageTemplate; created: boolean }) {
    super(CrmTemplateSavedEvent.eventName, detail);
  }
}

/** Fired after a message template was deleted. */
export class CrmTemplateDeletedEvent extends CrmEvent<{ template: MessageTemplate }> {
  static readonly eventName = 'crm-template-deleted';
  constructor(detail: { template: MessageTemplate }) {
    super(CrmTemplateDeletedEvent.eventName, detail);
  }
}

/** Fired after a product was created or changed. */
export class CrmProductSavedEvent extends CrmEvent<{ product: Product; created: boolean }> {
  static readonly eventName = 'crm-product-saved';
  constructor(detail: { product: Product; created: boolean }) {
    super(CrmProductSavedEvent.eventName, detail);
  }
}

/** Fired after a product was locked or unlocked; `detail.product.locked` is its state now. */
export class CrmProductLockedEvent extends CrmEvent<{ product: Product; locked: boolean }> {
  static readonly eventName = 'crm-product-locked';
  constructor(detail: { product: Product; locked: boolean }) {
    super(CrmProductLockedEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-workflow-saved': CrmWorkflowSavedEvent;
    'crm-pipeline-saved': CrmPipelineSavedEvent;
    'crm-custom-field-saved': CrmCustomFieldSavedEvent;
    'crm-custom-field-deleted': CrmCustomFieldDeletedEvent;
    'crm-template-saved': CrmTemplateSavedEvent;
    'crm-template-deleted': CrmTemplateDeletedEvent;
    'crm-product-saved': CrmProductSavedEvent;
    'crm-product-locked': CrmProductLockedEvent;
  }
}
