// The whole library: importing this module registers every crm-* tag.
export * from './provider/provider.js';
export * from './text-field/text-field.js';
export * from './select-field/select-field.js';
export * from './state/state.js';
export * from './contact-editor/contact-editor.js';
export * from './contact-viewer/contact-viewer.js';
export * from './contact-list/contact-list.js';
export * from './pipeline-board/pipeline-board.js';
export * from './campaign-creator/campaign-creator.js';
export * from './task-list/task-list.js';
export * from './product-admin/product-admin.js';
export * from './custom-field-admin/custom-field-admin.js';
export { CrmElement } from './shared/crm-element.js';
export { CrmFormField } from './shared/form-field.js';
export * from './context/index.js';
export * from './events/index.js';
export * from './i18n/index.js';
export * from './theme/index.js';
