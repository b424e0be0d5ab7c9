import { createContext } from '@lit/context';

/** The language and time zone elements format text, numbers and dates in. */
export interface CrmLocaleSettings {
  /** A BCP 47 tag such as `en`, `de` or `de-AT`. */
  locale: string;
  /** An IANA time zone such as `Europe/Berlin`. */
  timeZone: string;
}

/** Locale and time zone, provided by `<crm-provider>`. */
export const localeContext = createContext<CrmLocaleSettings | undefined>(Symbol('crm-locale'));
