/** English: the reference locale. Every key lives here first; other locales fall back to it. */
export const en = {
  'state.loading': 'Loading…',
  'state.empty': 'Nothing here yet.',
  'state.error': 'Something went wrong.',
  'state.retry': 'Try again',
  'field.required': 'Please fill in {label}.',
  'field.invalid': '{label} is not valid.',
  'field.optional': 'optional',
  'select.placeholder': 'Choose…',
  'signIn.heading': 'Sign in',
  'signIn.email': 'Email',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.busy': 'Signing in…',
  'signIn.failed': 'Sign-in failed. Check your email and password and try again.',
  'provider.noClient': 'Not connected: give crm-provider a client, or a base-url with a registered client factory.',
} as const;

/** Every string key the elements use. */
export type CrmStringKey = keyof typeof en;

/** A complete table of strings for one locale. */
export type CrmStrings = Record<CrmStringKey, string>;
