import type { CalendarEntry, CalendarOccurrence } from '@crm/client-sdk';
import { CrmEvent } from './crm-event.js';

/**
 * Fired when the user opens an occurrence (an entry or a task with a time) in `<crm-calendar>`; cancelable:
 * `preventDefault()` keeps the calendar's own edit dialog closed (the host shows its own).
 */
export class CrmOccurrenceOpenedEvent extends CrmEvent<{ occurrence: CalendarOccurrence }> {
  static readonly eventName = 'crm-occurrence-opened';
  constructor(detail: { occurrence: CalendarOccurrence }) {
    super(CrmOccurrenceOpenedEvent.eventName, detail, { cancelable: true });
  }
}

/** What was changed: the entry itself (or the series), or one occurrence of a series (`recurrenceId`). */
export type CalendarEditScope = 'entry' | 'series' | 'occurrence';

/** Fired when `<crm-calendar>` created or changed an entry, a series or one occurrence of it. */
export class CrmCalendarEntrySavedEvent extends CrmEvent<{ entry: CalendarEntry; scope: CalendarEditScope; recurrenceId: string | null; created: boolean }> {
  static readonly eventName = 'crm-calendar-entry-saved';
  constructor(detail: { entry: CalendarEntry; scope: CalendarEditScope; recurrenceId: string | null; created: boolean }) {
    super(CrmCalendarEntrySavedEvent.eventName, detail);
  }
}

/** Fired when `<crm-calendar>` deleted an entry or a series, or cancelled one occurrence (`recurrenceId`). */
export class CrmCalendarEntryDeletedEvent extends CrmEvent<{ id: string; scope: CalendarEditScope; recurrenceId: string | null }> {
  static readonly eventName = 'crm-calendar-entry-deleted';
  constructor(detail: { id: string; scope: CalendarEditScope; recurrenceId: string | null }) {
    super(CrmCalendarEntryDeletedEvent.eventName, detail);
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
    'crm-calendar-entry-saved': CrmCalendarEntrySavedEvent;
    'crm-calendar-entry-deleted': CrmCalendarEntryDeletedEvent;
  }
}
