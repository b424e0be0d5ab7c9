export {
  clientContext,
  type CrmClient,
  type CrmClientFactory,
  type CrmClientSession,
  type CrmRequestOptions,
  type CrmUser,
} from './client-context.js';
export { userContext } from './user-context.js';
export { signInContext } from './sign-in-context.js';
export { localeContext, type CrmLocaleSettings } from './locale-context.js';
