// The wizard's column table: a saved mapping to apply, then each column of the file with its first value
// and the field it fills (the kind's fields and the custom fields the API suggested). Drawn from the
// wizard's state; changes go back through the view's callbacks.
import { html, nothing } from 'lit';
import type { CrmMessageParams } from '../i18n/msg.js';
import type { CrmStringKey } from '../i18n/strings.en.js';
import type { Import, SavedImportMapping } from '../shared/api/imports.js';
import { fieldsOf } from './import-wizard.options.js';

/** What the column table shows and how it reports a choice. */
export interface ColumnsView {
  msg: (key: CrmStringKey, params?: CrmMessageParams) => string;
  fields: ReadonlyArray<string | null>;
  saved: readonly SavedImportMapping[];
  onSaved(id: string): void;
  onField(column: number, field: string | null): void;
}

/** The saved mappings that fit the file, and the table of columns to fields. */
export function renderColumns(view: ColumnsView, job: Import) {
  const { msg, fields, saved } = view;
  const custom = job.suggestedMapping.map((m) => m.field).filter((f): f is string => Boolean(f?.startsWith('custom.')));
  const options = [...fieldsOf[job.kind], ...custom];
  return html`
    ${saved.length
      ? html`<label class="saved">${msg('importWizard.savedMapping')}
          <select @change=${(e: Event) => view.onSaved((e.target as HTMLSelectElement).value)}>
            <option value="">${msg('importWizard.savedNone')}</option>
            ${saved.map((m) => html`<option value=${m.id}>${m.name}</option>`)}
          </select>
        </label>`
      : nothing}
    <div class="table-scroll">
      <table part="mapping">
        <thead><tr><th scope="col">${msg('importWizard.column')}</th><th scope="col" class="sample">${msg('importWizard.sample')}</th><th scope="col">${msg('importWizard.field')}</th></tr></thead>
        <tbody>
          ${job.headers.map(
            (header, i) => html`<tr>
              <th scope="row">${header}</th>
              <td class="sample">${job.sample[0]?.[i] ?? ''}</td>
              <td>
                <select aria-label=${`${msg('importWizard.field')}: ${header}`} @change=${(e: Event) => view.onField(i, (e.target as HTMLSelectElement).value || null)}>
                  <option value="" ?selected=${!fields[i]}>${msg('importWizard.skipColumn')}</option>
                  ${options.map((field) => html`<option value=${field} ?selected=${fields[i] === field}>${field}</option>`)}
                </select>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
  `;
}
