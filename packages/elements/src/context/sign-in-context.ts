import { createContext } from '@lit/context';

/**
 * True when the nearest `<crm-provider>` signs people in itself (a `base-url` without a
 * `publishable-key`): until the user context holds a user, the data elements inside it wait rather
 * than call the API with a client that is not signed in.
 */
export const signInContext = createContext<boolean | undefined>(Symbol('crm-sign-in'));
