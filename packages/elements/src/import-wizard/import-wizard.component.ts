import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { PropertyValues } from 'lit';
import { CrmState } from '../state/state.component.js';
import { dryRunImport, importErrors, loadAssignTeams, loadImport, loadImportStatuses, loadSavedMappings, runImport, saveImportMapping, saveNamedMapping, undoImport, uploadImport, type AssignTeam, type Import, type ImportDryRun, type ImportMappingParams, type SavedImportMapping } from '../shared/api/imports.js';
import { readProblem } from '../shared/api/errors.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatNumber } from '../shared/format.js';
import { importWizardStyles } from './import-wizard.styles.js';
import { renderColumns } from './import-wizard.columns.js';
import { dedupeKeysOf, kinds, locales, modes, ownedKinds, type DedupeKey, type ImportLocale } from './import-wizard.options.js';
import { renderRun, renderSummary } from './import-wizard.outcome.js';
import { renderAssign, renderStatusMap } from './import-wizard.rules.js';

const POLL_MS = 1000;

/**
 * Imports a CSV or Excel file of contacts, leads, customers (accounts, under parents named by name or
 * external id), opportunities (for accounts, at stages by name), products or tasks (the user picks which,
 * unless the host fixed it) in four steps: upload, map the columns (the API's
 * suggestions preselected, English and German headers, or a mapping the agency saved for files with
 * these headers; the locale its dates and numbers are written in; its status values to the kind's states;
 * an owner column by email, or a team whose members own the other rows in turn), check every row (a dry run
 * that writes nothing, with how the team would split the rows), then run it with live counts, the
 * error file to download and an undo. The mapping can be saved under a name for the next file.
 *
 * @summary Upload, map, dry-run, run and undo an import of contacts, leads, accounts, deals, products or tasks.
 *
 * @csspart mapping - The table of columns and the field each fills.
 * @csspart status-map - The file's values of the status column and the state each maps to.
 * @csspart status-values - After a check: the status values the mapping does not name yet.
 * @csspart assign - The choice of who owns rows without an owner: the importer, or a team's members in turn.
 * @csspart assignments - After a check: how many rows each of the team's members would own.
 * @csspart summary - The dry run's counts and errors by field.
 * @csspart progress - The run's progress bar.
 * @csspart counts - The run's counts (read, created, updated, skipped, failed).
 * @csspart limit - What to do when the agency's daily import limit stopped the run (resume after a time, or ask an admin).
 *
 * @cssproperty --crm-import-wizard-rule - Colour of the mapping table's row rules. Defaults to `--crm-sys-color-outline`.
 */
export class CrmImportWizard extends CrmDataElement {
  static override styles = [controlStyles, importWizardStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** What the file's rows become: `contacts`, `leads`, `customers`, `opportunities`, `products` or `tasks`. */
  @property({ reflect: true }) kind: Import['kind'] = 'contacts';

  /** Hides the picker of what the rows become: the host fixed `kind`. */
  @property({ type: Boolean, reflect: true, attribute: 'no-kind-picker' }) noKindPicker = false;

  /** The product every imported record is tied to (department users need one). */
  @property({ attribute: 'product-id' }) productId = '';

  /** An import already started (e.g. from a list of imports): shown at its step, its run followed. */
  @property({ attribute: 'import-id' }) importId = '';

  @state() private loading: 'idle' | 'loading' | 'failed' = 'idle';
  @state() private loadError = '';

  @state() private job: Import | undefined;
  @state() private fields: Array<string | null> = [];
  @state() private dedupeKey: DedupeKey = 'email';
  @state() private mode: (typeof modes)[number] = 'skip';
  @state() private summary: ImportDryRun | undefined;
  @state() private busy = '';
  @state() private announcement = '';
  @state() private undone = '';
  @state() private saved: SavedImportMapping[] = [];
  @state() private savedName = '';
  @state() private locale: ImportLocale | '' = '';
  /** The status each file value of the status column maps to ('' : left to the API, which matches state keys and labels). */
  @state() private statusOf: Record<string, string> = {};
  /** What a value that is neither mapped nor a state does: fail its row ('') or take this state. */
  @state() private statusFallback = '';
  @state() private states: Array<{ key: string; label: string }> = [];
  /** Status values the last check found that nothing maps yet. */
  @state() private foundStatuses: string[] = [];
  /** The teams an assignment rule may name, and the one chosen ('' : rows without an owner are the importer's). */
  @state() private teams: AssignTeam[] = [];
  @state() private assignTeamId = '';
  private poll: ReturnType<typeof setTimeout> | undefined;

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (changed.has('importId') && this.importId && this.importId !== this.job?.id) void this.open(this.importId);
  }

  /** Loads an existing import and follows its run. */
  private async open(id: string): Promise<void> {
    this.loading = 'loading';
    try {
      this.job = await loadImport(this.api, id);
      this.fields = (this.job.mapping?.columns ?? this.job.suggestedMapping).map((m) => m.field);
      this.summary = this.job.dryRun ?? undefined;
      this.foundStatuses = this.job.dryRun?.statusValues ?? [];
      this.locale = this.job.mapping?.locale ?? '';
      this.statusOf = Object.fromEntries((this.job.mapping?.statusMap?.values ?? []).map((v) => [v.value, v.status]));
      this.statusFallback = this.job.mapping?.statusMap?.unknown === 'default' ? (this.job.mapping.statusMap.default ?? '') : '';
      this.assignTeamId = this.job.mapping?.assign?.teamId ?? '';
      this.loading = 'idle';
      if (['uploaded', 'mapped'].includes(this.job.status)) void Promise.all([this.loadStates(this.job), this.loadTeams(this.job)]);
      if (['queued', 'running'].includes(this.job.status)) this.watch();
    } catch (error) {
      this.loadError = readProblem(error).detail;
      this.loading = 'failed';
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.poll);
  }

  private async act(what: string, work: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = what;
    this.announcement = what ? this.msg(what as never) : '';
    try {
      await work();
    } catch (error) {
      this.announcement = this.msg('importWizard.failedAction', { detail: readProblem(error).detail });
    } finally {
      this.busy = '';
    }
  }

  private onFile(event: Event): void {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    void this.act('importWizard.uploading', async () => {
      const job = await uploadImport(this.api, file, this.kind);
      this.job = job;
      this.fields = job.suggestedMapping.map((m) => m.field);
      if (!dedupeKeysOf[job.kind].includes(this.dedupeKey)) this.dedupeKey = dedupeKeysOf[job.kind][0]!;
      this.summary = undefined;
      this.announcement = '';
      this.locale = '';
      this.statusOf = {};
      this.statusFallback = '';
      this.foundStatuses = [];
      this.assignTeamId = '';
      await Promise.all([this.offerSaved(job), this.loadStates(job), this.loadTeams(job)]);
    });
  }

  /** The states of the kind's workflow, for the status mapping (none when they cannot be read: the API still matches keys and labels). */
  private async loadStates(job: Import): Promise<void> {
    try {
      this.states = await loadImportStatuses(this.api, job.kind);
    } catch {
      this.states = [];
    }
  }

  /** The teams an assignment rule may deal the rows to (none for products, which have no owner, or when teams cannot be read). */
  private async loadTeams(job: Import): Promise<void> {
    try {
      this.teams = ownedKinds.has(job.kind) ? await loadAssignTeams(this.api) : [];
    } catch {
      this.teams = [];
    }
  }

  /** Loads the saved mappings that fit the file (one of their columns is a header of it); a role that may not read them just sees none. */
  private async offerSaved(job: Import): Promise<void> {
    try {
      const headers = new Set(job.headers);
      this.saved = (await loadSavedMappings(this.api, job.kind)).filter((m) => m.columns.some((c) => headers.has(c.column)));
    } catch {
      this.saved = [];
    }
  }

  /** Applies a saved mapping: its field for each header it names (others left out), its dedupe key and mode. */
  private applySaved(id: string): void {
    const chosen = this.saved.find((m) => m.id === id);
    if (!chosen || !this.job) return;
    const byColumn = new Map(chosen.columns.map((c) => [c.column, c.field]));
    this.fields = this.job.headers.map((h) => byColumn.get(h) ?? null);
    this.dedupeKey = chosen.dedupeKey;
    this.mode = chosen.mode;
    this.locale = chosen.locale ?? '';
    this.statusOf = Object.fromEntries((chosen.statusMap?.values ?? []).map((v) => [v.value, v.status]));
    this.statusFallback = chosen.statusMap?.unknown === 'default' ? (chosen.statusMap.default ?? '') : '';
    this.assignTeamId = chosen.assign?.teamId ?? '';
    this.announcement = this.msg('importWizard.savedApplied', { name: chosen.name });
  }

  private saveAs(): void {
    const name = this.savedName.trim();
    if (!name) return;
    void this.act('', async () => {
      const saved = await saveNamedMapping(this.api, this.job!.kind, { name, ...this.mapping() });
      this.saved = [...this.saved, saved].sort((a, b) => a.name.localeCompare(b.name));
      this.savedName = '';
      this.announcement = this.msg('importWizard.savedAs', { name: saved.name });
    });
  }

  private mapping(): ImportMappingParams {
    const values = Object.entries(this.statusOf)
      .filter(([value, status]) => status && this.statusValues().includes(value))
      .map(([value, status]) => ({ value, status }));
    const mapsStatus = this.fields.includes('status');
    return {
      columns: this.job!.headers.map((column, i) => ({ column, field: this.fields[i] ?? null })),
      dedupeKey: this.dedupeKey,
      mode: this.mode,
      locale: this.locale || null,
      statusMap: mapsStatus && (values.length || this.statusFallback) ? { values, unknown: this.statusFallback ? 'default' : 'error', default: this.statusFallback || null } : null,
      assign: this.assignTeamId ? { teamId: this.assignTeamId, strategy: 'round-robin' } : null,
      ...(this.productId ? { productId: this.productId } : {}),
    };
  }

  /** The values of the status column to map: those of the sample rows, those the last check found unknown, and those mapped already. */
  private statusValues(): string[] {
    const at = this.fields.indexOf('status');
    if (at < 0 || !this.job) return [];
    const values = [...this.job.sample.map((row) => row[at]?.trim() ?? ''), ...this.foundStatuses, ...Object.keys(this.statusOf)].filter(Boolean);
    const seen = new Set<string>();
    return values.filter((v) => {
      const key = v.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private check(): void {
    void this.act('importWizard.checking', async () => {
      this.job = await saveImportMapping(this.api, this.job!.id, this.mapping());
      this.summary = await dryRunImport(this.api, this.job.id);
      this.foundStatuses = [...new Set([...this.foundStatuses, ...this.summary.statusValues])];
      this.announcement = this.msg('importWizard.summary');
    });
  }

  private start(): void {
    void this.act('importWizard.status.queued', async () => {
      this.job = await runImport(this.api, this.job!.id);
      this.watch();
    });
  }

  private watch(): void {
    clearTimeout(this.poll);
    this.poll = setTimeout(async () => {
      try {
        this.job = await loadImport(this.api, this.job!.id);
      } catch {
        // A missed read is retried on the next tick.
      }
      if (this.job && ['queued', 'running'].includes(this.job.status)) this.watch();
      else if (this.job) this.announcement = this.msg(this.job.stopReason === 'daily_row_cap' ? 'importWizard.dailyLimit' : (`importWizard.status.${this.job.status}` as never));
    }, POLL_MS);
  }

  private downloadErrors(): void {
    void this.act('', async () => {
      const csv = await importErrors(this.api, this.job!.id);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      link.download = `${this.job!.fileName.replace(/\.[^.]+$/, '')}-errors.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    });
  }

  private undo(): void {
    void this.act('', async () => {
      const done = await undoImport(this.api, this.job!.id);
      this.job = done;
      this.undone = this.msg('importWizard.undone', { removed: formatNumber(done.undone.removed, this.activeLocale), restored: formatNumber(done.undone.restored, this.activeLocale) });
      this.announcement = this.undone;
    });
  }

  private reset(): void {
    clearTimeout(this.poll);
    this.job = undefined;
    this.summary = undefined;
    this.undone = '';
    this.announcement = '';
  }

  private renderUpload() {
    return html`${this.noKindPicker
        ? nothing
        : html`<label class="kind">${this.msg('importWizard.kindLabel')}
            <select ?disabled=${Boolean(this.busy)} @change=${(e: Event) => (this.kind = (e.target as HTMLSelectElement).value as Import['kind'])}>
              ${kinds.map((k) => html`<option value=${k} ?selected=${this.kind === k}>${this.msg(`importWizard.kindOption.${k}`)}</option>`)}
            </select>
          </label>`}
      <label>${this.msg('importWizard.fileLabel')}
      <input type="file" accept=".csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ?disabled=${Boolean(this.busy)} @change=${this.onFile} />
    </label>`;
  }

  private renderMapping(job: Import) {
    return html`
      ${renderColumns({ msg: this.msg.bind(this), fields: this.fields, saved: this.saved, onSaved: (id) => this.applySaved(id), onField: (i, field) => (this.fields = this.fields.map((f, j) => (j === i ? field : f))) }, job)}
      ${this.fields.includes('status')
        ? renderStatusMap({
            msg: this.msg.bind(this),
            values: this.statusValues(),
            states: this.states,
            statusOf: this.statusOf,
            fallback: this.statusFallback,
            onStatus: (value, status) => (this.statusOf = { ...this.statusOf, [value]: status }),
            onFallback: (status) => (this.statusFallback = status),
          })
        : nothing}
      <div class="options">
        ${renderAssign({ msg: this.msg.bind(this), teams: this.teams, teamId: this.assignTeamId, onTeam: (teamId) => (this.assignTeamId = teamId) })}
        <label>${this.msg('importWizard.locale')}
          <select @change=${(e: Event) => (this.locale = (e.target as HTMLSelectElement).value as ImportLocale | '')}>
            <option value="" ?selected=${!this.locale}>${this.msg('importWizard.localeIso')}</option>
            ${locales.map(([code, example]) => html`<option value=${code} ?selected=${this.locale === code}>${this.localeName(code)} — ${example}</option>`)}
          </select>
        </label>
        <label>${this.msg('importWizard.dedupeKey')}
          <select @change=${(e: Event) => (this.dedupeKey = (e.target as HTMLSelectElement).value as never)}>
            ${dedupeKeysOf[job.kind].map((k) => html`<option value=${k} ?selected=${this.dedupeKey === k}>${this.msg(`importWizard.dedupe.${k}`)}</option>`)}
          </select>
        </label>
        <label>${this.msg('importWizard.mode')}
          <select @change=${(e: Event) => (this.mode = (e.target as HTMLSelectElement).value as never)}>
            ${modes.map((m) => html`<option value=${m} ?selected=${this.mode === m}>${this.msg(`importWizard.mode.${m}`)}</option>`)}
          </select>
        </label>
        <button type="button" class="primary" ?disabled=${Boolean(this.busy)} @click=${this.check}>${this.msg('importWizard.check')}</button>
      </div>
      <div class="options">
        <label>${this.msg('importWizard.saveName')}
          <input type="text" maxlength="80" .value=${this.savedName} @input=${(e: Event) => (this.savedName = (e.target as HTMLInputElement).value)} />
        </label>
        <button type="button" ?disabled=${Boolean(this.busy) || !this.savedName.trim()} @click=${this.saveAs}>${this.msg('importWizard.save')}</button>
      </div>
    `;
  }

  private localeName(code: string): string {
    try {
      return new Intl.DisplayNames([this.activeLocale], { type: 'language' }).of(code) ?? code;
    } catch {
      return code;
    }
  }

  /** What the summary and the run draw with (import-wizard.outcome.ts). */
  private outcomeView() {
    return { msg: this.msg.bind(this), plural: this.plural.bind(this), locale: this.activeLocale, timeZone: this.activeTimeZone, busy: Boolean(this.busy) };
  }

  override render() {
    const job = this.job;
    if (this.loading === 'loading') return html`<crm-state kind="loading"></crm-state>`;
    if (this.loading === 'failed') return html`<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => void this.open(this.importId)}></crm-state>`;
    return html`
      <h2>${this.msg('importWizard.title', { kind: this.msg(`importWizard.kind.${this.kind}`) })}</h2>
      ${!job
        ? this.renderUpload()
        : ['uploaded', 'mapped'].includes(job.status)
          ? this.summary
            ? renderSummary({ ...this.outcomeView(), onBack: () => (this.summary = undefined), onStart: () => this.start() }, this.summary)
            : this.renderMapping(job)
          : renderRun({ ...this.outcomeView(), planned: this.summary?.read ?? 0, undone: this.undone, onErrors: () => this.downloadErrors(), onResume: () => this.start(), onUndo: () => this.undo(), onAnother: () => this.reset() }, job)}
      <p class="sr-only" role="status">${this.announcement}</p>
    `;
  }
}
