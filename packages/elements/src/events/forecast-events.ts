import type { Forecast } from '../shared/api/forecasts.js';
import { CrmEvent } from './crm-event.js';

/** Fired after `<crm-annual-forecast>` saved an account manager's forecast; `detail.forecast` is the API's entry. */
export class CrmForecastSavedEvent extends CrmEvent<{ forecast: Forecast }> {
  static readonly eventName = 'crm-forecast-saved';
  constructor(detail: { forecast: Forecast }) {
    super(CrmForecastSavedEvent.eventName, detail);
  }
}
