import type { Quote, QuoteDecisionResult } from '../shared/api/quotes.js';
import { CrmEvent } from './crm-event.js';

/** Fired after the API saved a quote; `detail.quote` is the stored quote, `detail.created` true for a new one. */
export class CrmQuoteSavedEvent extends CrmEvent<{ quote: Quote; created: boolean }> {
  static readonly eventName = 'crm-quote-saved';
  constructor(detail: { quote: Quote; created: boolean }) {
    super(CrmQuoteSavedEvent.eventName, detail);
  }
}

/** Fired after the API sent a quote to the customer; `detail.quote` is the sent quote. */
export class CrmQuoteSentEvent extends CrmEvent<{ quote: Quote }> {
  static readonly eventName = 'crm-quote-sent';
  constructor(detail: { quote: Quote }) {
    super(CrmQuoteSentEvent.eventName, detail);
  }
}

/** Fired after an agent recorded the customer's answer; `detail.quote`, `detail.decision` and (accepted) `detail.order`. */
export class CrmQuoteDecidedEvent extends CrmEvent<{ quote: Quote; decision: QuoteDecisionResult['decision']; order: QuoteDecisionResult['order'] }> {
  static readonly eventName = 'crm-quote-decided';
  constructor(detail: { quote: Quote; decision: QuoteDecisionResult['decision']; order: QuoteDecisionResult['order'] }) {
    super(CrmQuoteDecidedEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'crm-quote-saved': CrmQuoteSavedEvent;
    'crm-quote-sent': CrmQuoteSentEvent;
    'crm-quote-decided': CrmQuoteDecidedEvent;
  }
}
