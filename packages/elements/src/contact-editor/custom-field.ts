// Renders one tenant-defined attribute as the control its type calls for.
import { html, nothing, type TemplateResult } from 'lit';
import type { CustomFieldDefinition } from '../shared/api/types.js';

type Setter = (path: string, value: unknown) => void;

/** A labelled control for `definition`, bound to `custom.<key>`; `error` comes from the API. */
export function renderCustomField(definition: CustomFieldDefinition, value: unknown, error: string, set: Setter): TemplateResult {
  const name = `custom.${definition.key}`;
  const errorId = `error-${definition.key}`;
  const errorText = error ? html`<span class="field-error" id=${errorId}>${error}</span>` : nothing;
  switch (definition.type) {
    case 'boolean':
      return html`<div class="stack">
        <label class="inline">
          <input type="checkbox" name=${name} .checked=${Boolean(value)} aria-describedby=${error ? errorId : nothing}
            @change=${(e: Event) => set(name, (e.target as HTMLInputElement).checked)} />
          ${definition.label}
        </label>
        ${errorText}
      </div>`;
    case 'select':
      return html`<crm-select-field name=${name} label=${definition.label} ?required=${definition.required} error=${error}
        .value=${typeof value === 'string' ? value : ''} .options=${definition.options.map((option) => ({ value: option, label: option }))}></crm-select-field>`;
    case 'multiselect': {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      const toggle = (option: string, on: boolean) => set(name, on ? [...chosen, option] : chosen.filter((o) => o !== option));
      return html`<fieldset name=${name} aria-describedby=${error ? errorId : nothing}>
        <legend>${definition.label}</legend>
        ${definition.options.map(
          (option) => html`<label class="inline">
            <input type="checkbox" .checked=${chosen.includes(option)} @change=${(e: Event) => toggle(option, (e.target as HTMLInputElement).checked)} />
            ${option}
          </label>`,
        )}
        ${errorText}
      </fieldset>`;
    }
    case 'date':
      // Typed the reader's way (31.03.2027 in German), with a calendar button; the value stays YYYY-MM-DD.
      return html`<crm-text-field name=${name} label=${definition.label} type="date" ?required=${definition.required} error=${error}
        .value=${typeof value === 'string' ? value.slice(0, 10) : ''}></crm-text-field>`;
    default:
      return html`<crm-text-field name=${name} label=${definition.label} type=${definition.type === 'number' ? 'number' : 'text'}
        ?required=${definition.required} error=${error} .value=${value === undefined || value === null ? '' : String(value)}></crm-text-field>`;
  }
}
