// What <crm-annual-forecast> asks of the API, through the SDK's `crm.forecasts`: a year's plan against won
// deals (`annual`), the owner's own entry (`list`), entering it (`put` with If-Match) and the realtime
// `metric.changed` message (dashboards.ts `watchMetrics`) that says won deals moved.
import type { AnnualForecast, CrmClient as SdkClient, Forecast, ForecastPillarMonths } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

export type { AnnualForecast, Forecast, ForecastPillarMonths };

/** The three pillars, in the order the element shows them. */
export const forecastPillars = ['new', 'accountManagement', 'upsell'] as const;
export type ForecastPillar = (typeof forecastPillars)[number];

/** A client that reads and enters forecasts. */
export type ForecastsClient = CrmClient & Pick<SdkClient, 'forecasts'>;

/** Narrows the provider's client to one with forecasts, or throws a clear error. */
export function forecastsClient(client: CrmClient | undefined): ForecastsClient {
  const api = (client as { forecasts?: { annual?: unknown } } | undefined)?.forecasts;
  if (!api || typeof api.annual !== 'function') throw new Error('No CRM client with forecasts: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  return client as ForecastsClient;
}
