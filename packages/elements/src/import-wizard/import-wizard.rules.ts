// The wizard's two rules beside the column table: the file's status values to the kind's states, and who
// owns the rows that name no owner (a team's members in turn). Render functions over the wizard's state: the
// wizard keeps the state and its public API; these only draw it and report changes.
import { html, nothing } from 'lit';
import type { CrmMessageParams } from '../i18n/msg.js';
import type { CrmStringKey } from '../i18n/strings.en.js';
import type { AssignTeam, ImportDryRun } from '../shared/api/imports.js';

type Msg = (key: CrmStringKey, params?: CrmMessageParams) => string;

/** What the status table shows and how it reports a choice. */
export interface StatusMapView {
  msg: Msg;
  /** The file's values of the status column (sample rows, values a check found, values mapped already). */
  values: string[];
  states: ReadonlyArray<{ key: string; label: string }>;
  statusOf: Readonly<Record<string, string>>;
  fallback: string;
  onStatus(value: string, status: string): void;
  onFallback(status: string): void;
}

/** The file's status values, each to a state of the kind, and what an unknown value does. */
export function renderStatusMap(view: StatusMapView) {
  const { msg, values, states, statusOf, fallback } = view;
  const stateOptions = (selected: string) => states.map((s) => html`<option value=${s.key} ?selected=${selected === s.key}>${s.label}</option>`);
  return html`<fieldset part="status-map">
    <legend>${msg('importWizard.statusMap')}</legend>
    ${values.length
      ? html`<div class="table-scroll">
          <table>
            <thead><tr><th scope="col">${msg('importWizard.statusValue')}</th><th scope="col">${msg('importWizard.statusState')}</th></tr></thead>
            <tbody>
              ${values.map(
                (value) => html`<tr>
                  <th scope="row">${value}</th>
                  <td>
                    <select aria-label=${`${msg('importWizard.statusState')}: ${value}`} @change=${(e: Event) => view.onStatus(value, (e.target as HTMLSelectElement).value)}>
                      <option value="" ?selected=${!statusOf[value]}>${msg('importWizard.statusAsIs')}</option>
                      ${stateOptions(statusOf[value] ?? '')}
                    </select>
                  </td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`
      : nothing}
    <label>${msg('importWizard.statusUnknown')}
      <select @change=${(e: Event) => view.onFallback((e.target as HTMLSelectElement).value)}>
        <option value="" ?selected=${!fallback}>${msg('importWizard.statusFail')}</option>
        ${states.map((s) => html`<option value=${s.key} ?selected=${fallback === s.key}>${msg('importWizard.statusUse', { status: s.label })}</option>`)}
      </select>
    </label>
  </fieldset>`;
}

/** What the owner control shows and how it reports a choice ('' : the importer owns rows without an owner). */
export interface AssignView {
  msg: Msg;
  teams: readonly AssignTeam[];
  teamId: string;
  onTeam(teamId: string): void;
}

/** Who owns rows without an owner cell: the importer, or a team's active members in turn (the API's round-robin rule). */
export function renderAssign(view: AssignView) {
  const { msg, teams, teamId } = view;
  if (!teams.length) return nothing;
  return html`<label part="assign">${msg('importWizard.assign')}
    <select @change=${(e: Event) => view.onTeam((e.target as HTMLSelectElement).value)}>
      <option value="" ?selected=${!teamId}>${msg('importWizard.assignNone')}</option>
      ${teams.map((t) => html`<option value=${t.id} ?selected=${teamId === t.id}>${msg('importWizard.assignTeam', { team: t.name })}</option>`)}
    </select>
  </label>`;
}

/** The dry run's split of the created rows among the team's members, as one line. */
export function renderAssignSplit(msg: Msg, summary: ImportDryRun, format: (n: number) => string, list: (items: string[]) => string) {
  if (!summary.assignments?.length) return nothing;
  const split = list(summary.assignments.map((a) => msg('importWizard.assignSplit', { email: a.email, count: format(a.rows) })));
  return html`<p part="assignments">${msg('importWizard.assignSummary', { split })}</p>`;
}
