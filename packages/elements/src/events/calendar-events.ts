import type { CalendarOccurrence } from '@crm/client-sdk';
import { CrmEvent } from './crm-event.js';

/** Fired when the user opens an occurrence (an entry or a task with a time) in `<crm-calendar>`. */
export class CrmOccurrenceOpenedEvent extends CrmEvent<{ occurrence: CalendarOccurrence }> {
  static readonly eventName = 'crm-occurrence-opened';
  constructor(detail: { occurrence: CalendarOccurrence }) {
    super(CrmOccurrenceOpenedEvent.eventName, detail);
  }
}

/** Fired when the user changes the view or the date shown (`detail.date` is `YYYY-MM-DD`). */
export class CrmCalendarNavigatedEvent extends CrmEvent<{ view: 'day' | 'week' | 'month' | 'agenda'; date: string }> {
  static readonly eventName = 'crm-calendar-navigated';
  constructor(detail: { view: 'day' | 'week' | 'month' | 'agenda'; date: string }) {
    super(CrmCalendarNavigatedEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'crm-occurrence-opened': CrmOccurrenceOpenedEvent;
    'crm-calendar-navigated': CrmCalendarNavigatedEvent;
  }
}
