// What <crm-calendar> asks of the API, through the SDK's `crm.calendar`: the occurrences of a range, and
// the entries, series and single occurrences its edit dialog creates, changes and deletes.
import type { CalendarEntry, CalendarEntryCreateParams, CalendarEntryUpdateParams, CalendarOccurrence, CalendarOccurrenceUpdateParams, CrmClient as SdkClient } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

export type { CalendarEntry, CalendarEntryCreateParams, CalendarEntryUpdateParams, CalendarOccurrence, CalendarOccurrenceUpdateParams };

/** A client that can read calendars: the SDK's `calendar`. */
export type CalendarClient = CrmClient & Pick<SdkClient, 'calendar'>;

/** Narrows the provider's client to one with calendars, or throws a clear error. */
export function calendarClient(client: CrmClient | undefined): CalendarClient {
  if (!client || typeof (client as Partial<CalendarClient>).calendar?.range !== 'function') throw new Error('No CRM client with calendars: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  return client as CalendarClient;
}
