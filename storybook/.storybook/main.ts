import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/web-components-vite';

/** Stories live beside the elements and widgets they document. */
const config: StorybookConfig = {
  stories: ['../../packages/elements/src/**/*.stories.ts', '../../packages/widgets/src/**/*.stories.ts'],
  addons: ['@storybook/addon-docs'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true },
  // The widgets bundle the SDK's publishable-key client from its source (as their own build does); the
  // elements' in-memory double is made of the SDK's resources, also taken from source (no build needed).
  viteFinal: (vite) => ({
    ...vite,
    resolve: {
      ...vite.resolve,
      alias: [
        { find: '@crm/client-sdk/public', replacement: fileURLToPath(new URL('../../packages/client-sdk/src/public.ts', import.meta.url)) },
        { find: /^@crm\/client-sdk$/, replacement: fileURLToPath(new URL('../../packages/client-sdk/src/index.ts', import.meta.url)) },
        ...(Array.isArray(vite.resolve?.alias) ? vite.resolve.alias : Object.entries(vite.resolve?.alias ?? {}).map(([find, replacement]) => ({ find, replacement: replacement as string }))),
      ],
    },
  }),
};

export default config;
