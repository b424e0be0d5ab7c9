import { setCustomElementsManifest, type Preview } from '@storybook/web-components-vite';
import { html } from 'lit';
import manifest from '../../packages/elements/custom-elements.json';
import '../../packages/elements/src/provider/provider.js';

// Docs pages (descriptions, attributes, events, slots, parts, CSS properties) come from the manifest.
setCustomElementsManifest(manifest);

const preview: Preview = {
  tags: ['autodocs'],
  parameters: {
    controls: { expanded: true },
    layout: 'padded',
  },
  globalTypes: {
    theme: {
      description: 'Colour theme of the surrounding crm-provider',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light', icon: 'sun' },
          { value: 'dark', title: 'Dark', icon: 'moon' },
        ],
        dynamicTitle: true,
      },
    },
    locale: {
      description: 'Locale of the surrounding crm-provider',
      toolbar: {
        title: 'Locale',
        icon: 'globe',
        items: [
          { value: 'en', title: 'English' },
          { value: 'de', title: 'Deutsch' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light', locale: 'en' },
  // Every story renders inside a provider, as it would in a host app.
  decorators: [
    (story, context) => html`
      <crm-provider theme=${context.globals.theme ?? 'light'} locale=${context.globals.locale ?? 'en'} style="padding: 1rem">
        ${story()}
      </crm-provider>
    `,
  ],
};

export default preview;
