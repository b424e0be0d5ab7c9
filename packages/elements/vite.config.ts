import { defineConfig } from 'vite';

/** The elements; each gets `<name>.js` (registers the tag) and `<name>.component.js` (class only). */
export const elementNames = [
  'provider',
  'text-field',
  'select-field',
  'state',
  'contact-editor',
  'contact-viewer',
  'contact-list',
  'pipeline-board',
  'campaign-creator',
  'send-status',
  'task-list',
  'lead-list',
  'customer-list',
  'campaign-list',
  'campaign-analytics',
  'opportunity-editor',
  'product-admin',
  'custom-field-admin',
  'template-admin',
  'workflow-admin',
  'gauge',
  'chart',
  'dashboard',
  'quote-editor',
  'invoice-list',
  'purchase-conditions',
  'privacy-console',
  'mailwizz-settings',
  'call-button',
  'voip-settings',
  'webhook-admin',
  'event-admin',
  'lead-request-board',
  'project-list',
  'lost-review-admin',
  'messages',
  'calendar',
  'customer-invite',
  'export-button',
  'export-list',
  'notification-inbox',
  'card-scan',
  'import-wizard',
  'kb-editor',
  'ticket-assignment-admin',
  'ticket-list',
  'ticket-view',
  'report',
  'account-health',
  'annual-forecast',
];

const entries = {
  index: 'src/index.ts',
  ...Object.fromEntries(
    elementNames.flatMap((name) => [
      [`${name}/${name}`, `src/${name}/${name}.ts`],
      [`${name}/${name}.component`, `src/${name}/${name}.component.ts`],
    ]),
  ),
  'context/index': 'src/context/index.ts',
  'events/index': 'src/events/index.ts',
  'i18n/index': 'src/i18n/index.ts',
  'theme/index': 'src/theme/index.ts',
};

export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    lib: { entry: entries, formats: ['es'] },
    rollupOptions: {
      // Lit is a peer: the host's copy is shared by every element and by other Lit code on the page. The
      // SDK is a dependency, not bundled: a host that uses it too gets one copy (one CrmApiError class).
      external: [/^lit(\/|$)/, /^@lit\//, /^@lit-labs\//, /^@crm\/client-sdk(\/|$)/],
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'shared/[name]-[hash].js',
      },
    },
  },
});
