// Everything the browser tests' API plugins (packages/elements/scripts/*-api-plugin.mjs) start, from one
// module graph: loaded through separate imports, the seed would see an empty registry of the kinds listed
// from list rows (registered per connection by the modules the runtime built) and write none.
export { createTestRuntime, makeAgency, makeUser, signIn } from './index.js';
export { TEST_PASSWORD } from './factories.js';
export { startRealtime } from '../platform/realtime/start.js';
export { startMailCatcher } from '../platform/mail/catcher.js';
export { seedDemoIfEmpty } from '../seed/demo.js';
