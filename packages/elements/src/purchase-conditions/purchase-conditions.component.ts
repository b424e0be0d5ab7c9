import { Task as LitTask } from '@lit/task';
import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmPurchaseConditionsSavedEvent } from '../events/invoice-events.js';
import type { CrmStringKey } from '../i18n/index.js';
import { adminStyles, checkboxField, inputField, problemOnFields, selectField, syncSelects, type FieldErrors } from '../shared/admin-form.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import { formatAmount, localizedToMinor, minorToInput, toMinor } from '../shared/api/invoices.js';
import { purchaseConditionsClient, type AccountCredit, type Customer, type PriceBook, type PurchaseConditionsInput } from '../shared/api/purchase-conditions.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDateTime, formatNumber } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { purchaseConditionsStyles } from './purchase-conditions.styles.js';

interface Loaded {
  account: Customer;
  priceBooks: PriceBook[];
  /** Null when the caller may not read it (403). */
  credit: AccountCredit | null;
}

/** The form as typed: text as the person wrote it (amounts and percentages as their locale writes decimals). */
interface Form {
  currency: string;
  priceBookId: string;
  priceAdjuster: string;
  paymentTerms: string;
  paymentTermsDays: string;
  invoicingOption: 'perPo' | 'perMonth' | 'manual';
  invoicingPoint: string;
  autoSendInvoice: boolean;
  blacklisted: boolean;
  allowSharingPos: boolean;
  allowNegativeProfit: boolean;
  creditLimit: string;
}

const invoicingOptions = ['perPo', 'perMonth', 'manual'] as const;

/**
 * An account's purchase conditions (issue 21): currency, price book and price adjuster, payment terms,
 * invoicing option and point, sending invoices automatically, blacklist, sharing POs, the negative-profit
 * exception and a manual credit limit; beside them, read-only, the payment behaviour the API computes
 * from invoices and payments, and the credit limit with the agency's rule step by step (base, share of
 * spend, band by days late, floor and ceiling), exposure and what is available. Saves through
 * `crm.customers.update` at the version it read. Read-only when the signed-in role may not update accounts
 * (`crm.auth.me`) or when the save answers 403.
 *
 * @summary View and edit an account's purchase conditions and see its credit limit.
 *
 * @event crm-purchase-conditions-saved - The conditions were saved; `detail.account`.
 *
 * @csspart form - The editable conditions.
 * @csspart behaviour - The computed payment behaviour.
 * @csspart credit - The credit limit and its rule.
 * @csspart message - A message about the last save.
 *
 * @cssproperty --crm-purchase-conditions-background - Background of the panels. Defaults to `--crm-sys-color-surface-container`.
 */
export class CrmPurchaseConditions extends CrmDataElement {
  static override styles = [controlStyles, adminStyles, purchaseConditionsStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** The account whose conditions are shown. */
  @property({ attribute: 'account-id', reflect: true }) accountId = '';

  /** Shows the conditions without the form's controls (the element also turns read-only on a 403). */
  @property({ type: Boolean, reflect: true }) readonly = false;

  @state() private form?: Form;
  @state() private errors: FieldErrors = {};
  @state() private busy = false;
  @state() private message = '';
  /** The API refused this user the save (403). */
  @state() private forbidden = false;
  /** The role may not change the credit and price terms (a finance decision: the right to update invoices). */
  @state() private termsLocked = false;
  #version = 0;

  private readonly loaded = new LitTask(this, {
    args: () => [this.client, this.accountId] as const,
    task: async ([client, accountId], { signal }): Promise<Loaded | undefined> => {
      if (!client || !accountId) return undefined;
      const api = purchaseConditionsClient(client);
      const [account, priceBooks, credit, me] = await Promise.all([
        api.customers.get(accountId, { signal }),
        api.priceBooks.list({ signal }).catch(() => [] as PriceBook[]),
        api.orders.credit(accountId, { signal }).catch((error: unknown) => {
          if (readProblem(error).status === 403) return null;
          throw error;
        }),
        // The role says up front whether the save may work; without it (an API key, an older API) the save's 403 tells.
        typeof api.auth?.me === 'function' ? api.auth.me({ signal }).catch(() => null) : Promise.resolve(null),
      ]);
      if (me && !me.role.isAdmin && !(me.role.permissions.customer ?? []).includes('update')) this.forbidden = true;
      this.termsLocked = Boolean(me && !me.role.isAdmin && !(me.role.permissions.invoice ?? []).includes('update'));
      this.fill(account);
      return { account, priceBooks, credit };
    },
  });

  /** Reads the account, its credit and the price books again. */
  reload(): void {
    void this.loaded.run();
  }

  private get locked() {
    return this.readonly || this.forbidden;
  }

  private fill(account: Customer) {
    const f = account.finance;
    const currency = f.currency ?? 'EUR';
    const manual = f.creditLimit === null ? null : toMinor(String(f.creditLimit), currency);
    this.#version = account.version;
    this.form = {
      currency: f.currency ?? '',
      priceBookId: f.priceBookId ?? '',
      priceAdjuster: f.priceAdjuster === null ? '' : formatNumber(f.priceAdjuster, this.activeLocale, { useGrouping: false, maximumFractionDigits: 4 }),
      paymentTerms: f.paymentTerms ?? '',
      paymentTermsDays: f.paymentTermsDays === null ? '' : String(f.paymentTermsDays),
      invoicingOption: f.invoicingOption,
      invoicingPoint: f.invoicingPoint ?? '',
      autoSendInvoice: f.autoSendInvoice,
      blacklisted: f.blacklisted,
      allowSharingPos: f.allowSharingPos,
      allowNegativeProfit: f.allowNegativeProfit,
      creditLimit: manual === null ? '' : minorToInput(manual, currency, this.activeLocale),
    };
  }

  /** The form as the API takes it; null with the field errors set when something typed is not a number. */
  private toInput(form: Form): PurchaseConditionsInput | null {
    const errors: FieldErrors = {};
    const currency = form.currency.trim().toUpperCase();
    const decimal = new Intl.NumberFormat(this.activeLocale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
    let priceAdjuster: number | null = null;
    if (form.priceAdjuster.trim()) {
      const plain = form.priceAdjuster.trim().replace(decimal, '.');
      if (/^-?\d{1,4}(\.\d{1,4})?$/.test(plain)) priceAdjuster = Number(plain);
      else errors['finance.priceAdjuster'] = this.msg('purchaseConditions.percentFormat');
    }
    let paymentTermsDays: number | null = null;
    if (form.paymentTermsDays.trim()) {
      if (/^\d{1,3}$/.test(form.paymentTermsDays.trim())) paymentTermsDays = Number(form.paymentTermsDays.trim());
      else errors['finance.paymentTermsDays'] = this.msg('purchaseConditions.daysFormat');
    }
    let creditLimit: number | null = null;
    if (form.creditLimit.trim()) {
      const minor = localizedToMinor(form.creditLimit, currency || 'EUR', this.activeLocale);
      if (minor === null) errors['finance.creditLimit'] = this.msg('purchaseConditions.amountFormat', { example: minorToInput(500_000, currency || 'EUR', this.activeLocale) });
      // The API keeps the manual limit in major units; it is rebuilt from this decimal text, never rounded through a float sum.
      else creditLimit = Number(minorToInput(minor, currency || 'EUR', 'en'));
    }
    this.errors = errors;
    if (Object.keys(errors).length) return null;
    return {
      currency: currency || null,
      priceBookId: form.priceBookId || null,
      priceAdjuster,
      paymentTerms: form.paymentTerms.trim() || null,
      paymentTermsDays,
      invoicingOption: form.invoicingOption,
      invoicingPoint: form.invoicingPoint.trim() || null,
      autoSendInvoice: form.autoSendInvoice,
      blacklisted: form.blacklisted,
      allowSharingPos: form.allowSharingPos,
      allowNegativeProfit: form.allowNegativeProfit,
      creditLimit,
    };
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    if (!this.form || this.busy || this.locked) return;
    this.message = '';
    const finance = this.toInput(this.form);
    if (!finance) {
      this.message = Object.values(this.errors).join('; ');
      return;
    }
    this.busy = true;
    try {
      const account = await purchaseConditionsClient(this.client).customers.update(this.accountId, { finance }, { ifMatch: this.#version });
      this.fill(account);
      this.message = this.msg('purchaseConditions.saved');
      this.emit(new CrmPurchaseConditionsSavedEvent({ account }));
      this.reload();
    } catch (error) {
      const problem = readProblem(error);
      if (problem.status === 403) {
        this.forbidden = true;
        this.message = this.msg('purchaseConditions.forbidden');
      } else if (isVersionConflict(problem)) {
        this.message = this.msg('purchaseConditions.conflict');
      } else {
        const { errors, other } = problemOnFields(problem, this.renderRoot);
        this.errors = errors;
        this.message = [...Object.values(errors), ...other].join('; ') || problem.detail;
      }
    } finally {
      this.busy = false;
    }
  }

  protected override updated(): void {
    syncSelects(this.renderRoot);
  }

  private money(minor: number | null | undefined, currency: string) {
    return minor === null || minor === undefined ? '—' : formatAmount(minor, currency, this.activeLocale);
  }

  private renderForm(priceBooks: PriceBook[]) {
    const form = this.form!;
    const set = (field: keyof Form) => (value: string | boolean) => (this.form = { ...this.form!, [field]: value });
    const disabled = this.locked || this.busy;
    // The API refuses a change of these to a role that may not update invoices; they are sent back as they are.
    const terms = disabled || this.termsLocked;
    const e = (field: string) => this.errors[`finance.${field}`];
    return html`<form part="form" class="panel" novalidate aria-labelledby="pc-heading" @submit=${this.save}>
      <h3 id="pc-heading">${this.msg('purchaseConditions.heading')}</h3>
      ${this.locked ? html`<p class="muted" data-readonly>${this.msg(this.forbidden ? 'purchaseConditions.forbidden' : 'purchaseConditions.readonly')}</p>` : nothing}
      ${!this.locked && this.termsLocked ? html`<p class="muted" data-terms-locked>${this.msg('purchaseConditions.termsLocked')}</p>` : nothing}
      <div class="fields">
        ${inputField({ field: 'finance.currency', label: this.msg('purchaseConditions.currency'), hint: this.msg('purchaseConditions.currencyHint'), value: form.currency, error: e('currency'), maxlength: 3, disabled, onInput: set('currency') })}
        ${selectField({ field: 'finance.priceBookId', label: this.msg('purchaseConditions.priceBook'), value: form.priceBookId, error: e('priceBookId'), disabled: terms, onInput: set('priceBookId'), options: [{ value: '', label: this.msg('purchaseConditions.defaultPriceBook') }, ...priceBooks.map((b) => ({ value: b.id, label: b.name }))] })}
        ${inputField({ field: 'finance.priceAdjuster', label: this.msg('purchaseConditions.priceAdjuster'), hint: this.msg('purchaseConditions.priceAdjusterHint'), value: form.priceAdjuster, error: e('priceAdjuster'), disabled: terms, onInput: set('priceAdjuster') })}
        ${inputField({ field: 'finance.paymentTerms', label: this.msg('purchaseConditions.paymentTerms'), value: form.paymentTerms, error: e('paymentTerms'), maxlength: 100, disabled: terms, onInput: set('paymentTerms') })}
        ${inputField({ field: 'finance.paymentTermsDays', label: this.msg('purchaseConditions.paymentTermsDays'), value: form.paymentTermsDays, error: e('paymentTermsDays'), disabled: terms, onInput: set('paymentTermsDays') })}
        ${selectField({ field: 'finance.invoicingOption', label: this.msg('purchaseConditions.invoicingOption'), value: form.invoicingOption, error: e('invoicingOption'), disabled, onInput: set('invoicingOption'), options: invoicingOptions.map((o) => ({ value: o, label: this.msg(`purchaseConditions.invoicing.${o}` as CrmStringKey) })) })}
        ${inputField({ field: 'finance.invoicingPoint', label: this.msg('purchaseConditions.invoicingPoint'), hint: this.msg('purchaseConditions.invoicingPointHint'), value: form.invoicingPoint, error: e('invoicingPoint'), maxlength: 100, disabled, onInput: set('invoicingPoint') })}
        ${inputField({ field: 'finance.creditLimit', label: this.msg('purchaseConditions.creditLimitOverride', { currency: form.currency || 'EUR' }), hint: this.msg('purchaseConditions.creditLimitHint'), value: form.creditLimit, error: e('creditLimit'), disabled: terms, onInput: set('creditLimit') })}
        ${checkboxField({ field: 'finance.autoSendInvoice', label: this.msg('purchaseConditions.autoSendInvoice'), checked: form.autoSendInvoice, disabled, onChange: set('autoSendInvoice') })}
        ${checkboxField({ field: 'finance.blacklisted', label: this.msg('purchaseConditions.blacklisted'), checked: form.blacklisted, disabled: terms, onChange: set('blacklisted') })}
        ${checkboxField({ field: 'finance.allowSharingPos', label: this.msg('purchaseConditions.allowSharingPos'), checked: form.allowSharingPos, disabled, onChange: set('allowSharingPos') })}
        ${checkboxField({ field: 'finance.allowNegativeProfit', label: this.msg('purchaseConditions.allowNegativeProfit'), checked: form.allowNegativeProfit, disabled: terms, onChange: set('allowNegativeProfit') })}
      </div>
      ${this.locked ? nothing : html`<div class="actions"><button type="submit" class="primary" data-save ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>${this.msg('purchaseConditions.save')}</button></div>`}
    </form>`;
  }

  private renderBehaviour(account: Customer) {
    const stats = account.finance.paymentStats;
    const n = (value: number, digits = 0) => formatNumber(value, this.activeLocale, { maximumFractionDigits: digits });
    return html`<section part="behaviour" class="panel" aria-labelledby="pb-heading" data-behaviour>
      <h3 id="pb-heading">${this.msg('purchaseConditions.behaviour')}</h3>
      ${stats
        ? html`<dl>
            <dt>${this.msg('purchaseConditions.paidCount')}</dt><dd data-paid>${n(stats.paidCount)}</dd>
            <dt>${this.msg('purchaseConditions.lateCount')}</dt><dd data-late>${n(stats.lateCount)}</dd>
            <dt>${this.msg('purchaseConditions.averageDaysLate')}</dt><dd data-average>${this.plural('purchaseConditions.days', stats.averageDaysLate, { days: n(stats.averageDaysLate, 1) })}</dd>
            <dt>${this.msg('purchaseConditions.maxDaysLate')}</dt><dd>${this.plural('purchaseConditions.days', stats.maxDaysLate, { days: n(stats.maxDaysLate) })}</dd>
            <dt>${this.msg('purchaseConditions.openOverdue')}</dt><dd>${n(stats.openOverdueCount)}</dd>
          </dl>
          <p class="muted">${this.msg('purchaseConditions.behaviourComputed', { at: formatDateTime(stats.computedAt, this.activeLocale, this.activeTimeZone) })}</p>`
        : html`<p class="muted" data-no-behaviour>${this.msg('purchaseConditions.noBehaviour')}</p>`}
    </section>`;
  }

  private renderCredit(credit: AccountCredit | null) {
    if (!credit) return html`<section part="credit" class="panel" aria-labelledby="cl-heading"><h3 id="cl-heading">${this.msg('purchaseConditions.credit')}</h3><p class="muted" data-credit-hidden>${this.msg('purchaseConditions.creditHidden')}</p></section>`;
    const m = (minor: number | null | undefined) => this.money(minor, credit.currency);
    const bp = (value: number) => formatNumber(value / 100, this.activeLocale, { maximumFractionDigits: 2 });
    const x = (value: number) => formatNumber(value / 10_000, this.activeLocale, { maximumFractionDigits: 4 });
    const i = credit.inputs;
    return html`<section part="credit" class="panel" aria-labelledby="cl-heading" data-credit>
      <h3 id="cl-heading">${this.msg('purchaseConditions.credit')}</h3>
      <dl>
        <dt>${this.msg('purchaseConditions.limit')}</dt><dd data-limit>${m(credit.limitMinor)}</dd>
        <dt>${this.msg('purchaseConditions.exposure')}</dt><dd data-exposure>${m(credit.exposureMinor)}</dd>
        <dt>${this.msg('purchaseConditions.available')}</dt><dd data-available>${m(credit.availableMinor)}</dd>
      </dl>
      <p data-source>${this.msg(`purchaseConditions.source.${credit.source}` as CrmStringKey, { calculated: m(credit.calculatedMinor) })}</p>
      ${i
        ? html`<h4>${this.msg('purchaseConditions.rule')}</h4>
            <dl data-rule>
              <dt>${this.msg('purchaseConditions.ruleBase')}</dt><dd>${m(i.baseMinor)}</dd>
              <dt>${this.msg('purchaseConditions.ruleSpend', { share: bp(i.spendShareBp), days: i.windowDays })}</dt><dd>${m(i.spendMinor)}</dd>
              <dt>${this.msg('purchaseConditions.ruleRaw')}</dt><dd>${m(i.rawMinor)}</dd>
              <dt>${i.band === null ? this.msg('purchaseConditions.ruleLate') : this.msg('purchaseConditions.ruleBand', { band: i.band + 1 })}</dt><dd>× ${x(i.multiplierBp)}</dd>
              ${i.capMinor === null ? nothing : html`<dt>${this.msg('purchaseConditions.ruleCap')}</dt><dd>${m(i.capMinor)}</dd>`}
              <dt>${this.msg('purchaseConditions.ruleFloor')}</dt><dd>${m(i.floorMinor)}</dd>
              ${i.ceilingMinor === null ? nothing : html`<dt>${this.msg('purchaseConditions.ruleCeiling')}</dt><dd>${m(i.ceilingMinor)}</dd>`}
              <dt>${this.msg('purchaseConditions.ruleResult')}</dt><dd data-calculated>${m(credit.calculatedMinor)}</dd>
            </dl>
            ${credit.calculatedAt ? html`<p class="muted">${this.msg('purchaseConditions.calculatedAt', { at: formatDateTime(credit.calculatedAt, this.activeLocale, this.activeTimeZone) })}</p>` : nothing}`
        : nothing}
    </section>`;
  }

  private renderLoaded(loaded: Loaded) {
    return html`<div class="layout">
        ${this.renderForm(loaded.priceBooks)}
        <div class="side">${this.renderBehaviour(loaded.account)} ${this.renderCredit(loaded.credit)}</div>
      </div>
      <p part="message" class="banner" role="status">${this.message}</p>`;
  }

  override render() {
    const loading = html`<crm-state kind="loading"></crm-state>`;
    return this.loaded.render({
      initial: () => loading,
      // While a reload runs after a save, the form stays where it is (focus and scroll with it).
      pending: () => (this.loaded.value && this.form ? this.renderLoaded(this.loaded.value) : loading),
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: (loaded) => (loaded && this.form ? this.renderLoaded(loaded) : loading),
    });
  }
}
