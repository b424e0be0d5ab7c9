import { createContext } from '@lit/context';
import type { CrmUser } from './client-context.js';

/** The signed-in user, or `undefined` before sign-in and for publishable-key (anonymous) use. */
export const userContext = createContext<CrmUser | undefined>(Symbol('crm-user'));
