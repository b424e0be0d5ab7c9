// The script of strict-csp.html: defines the elements in that page's own registry and hands the test
// the in-memory API, so src/e2e/strict-csp.test.ts can render them under the page's policy.
import '../contact-list/contact-list.js';
import '../pipeline-board/pipeline-board.js';
import '../provider/provider.js';
import { createMemoryApi } from './memory-api.js';

declare global {
  interface Window {
    crmStrictCsp?: { createMemoryApi: typeof createMemoryApi };
  }
}

window.crmStrictCsp = { createMemoryApi };
