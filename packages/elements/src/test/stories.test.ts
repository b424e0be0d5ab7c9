// Every Storybook story of every element renders something (never a blank element) and passes axe,
// in the light and the dark theme and in both locales. Stories run on the in-memory double, as in
// Storybook; data flow against the real API is tested in each element's own test file.
import { expect, fixture } from '@open-wc/testing';
import { html, type TemplateResult } from 'lit';
import * as campaignCreator from '../campaign-creator/campaign-creator.stories.js';
import * as contactEditor from '../contact-editor/contact-editor.stories.js';
import * as contactList from '../contact-list/contact-list.stories.js';
import * as contactViewer from '../contact-viewer/contact-viewer.stories.js';
import * as customFieldAdmin from '../custom-field-admin/custom-field-admin.stories.js';
import * as leadList from '../lead-list/lead-list.stories.js';
import * as opportunityEditor from '../opportunity-editor/opportunity-editor.stories.js';
import * as customerList from '../customer-list/customer-list.stories.js';
import * as campaignList from '../campaign-list/campaign-list.stories.js';
import * as pipelineBoard from '../pipeline-board/pipeline-board.stories.js';
import * as productAdmin from '../product-admin/product-admin.stories.js';
import '../provider/provider.js';
import * as provider from '../provider/provider.stories.js';
import * as selectField from '../select-field/select-field.stories.js';
import * as state from '../state/state.stories.js';
import * as taskList from '../task-list/task-list.stories.js';
import * as templateAdmin from '../template-admin/template-admin.stories.js';
import * as textField from '../text-field/text-field.stories.js';
import * as workflowAdmin from '../workflow-admin/workflow-admin.stories.js';
import { expectAccessible } from './axe.js';
import { until } from './live-api.js';

type Render = (args: Record<string, unknown>, context: { globals: Record<string, string>; args: Record<string, unknown> }) => TemplateResult;
interface StoryLike {
  args?: Record<string, unknown>;
  render?: Render;
  /** Storybook's interaction step (e.g. picking a file), run here as Storybook runs it. */
  play?: (context: { canvasElement: HTMLElement }) => Promise<void>;
}
interface StoriesModule {
  default: { title?: string; component?: string; args?: Record<string, unknown>; render?: Render };
  [story: string]: unknown;
}

const modules = { campaignCreator, campaignList, contactEditor, contactList, contactViewer, customerList, customFieldAdmin, leadList, opportunityEditor, pipelineBoard, productAdmin, provider, selectField, state, taskList, templateAdmin, textField, workflowAdmin } as unknown as Record<string, StoriesModule>;

/** The story's elements whose own shadow root still shows a loading state. */
function stillLoading(root: Element, tag: string): boolean {
  return [...root.querySelectorAll(tag)].some((el) => el.shadowRoot?.querySelector('crm-state[kind="loading"]'));
}

describe('stories', () => {
  for (const [file, module] of Object.entries(modules)) {
    const meta = module.default;
    const stories = Object.entries(module).filter(([name]) => name !== 'default') as Array<[string, StoryLike]>;

    it(`${meta.title}: has a story for each state, each rendering content`, () => {
      expect(meta.component, `${file} names its component`).to.match(/^crm-/);
      const names = stories.map(([name]) => name);
      const dataElement = !['provider', 'selectField', 'state', 'textField'].includes(file);
      if (dataElement) expect(names, `${meta.title} stories`).to.include.members(['Loading', 'Error']);
    });

    for (const [name, story] of stories) {
      for (const [theme, locale] of [['light', 'en'], ['dark', 'de']] as const) {
        it(`${meta.title} / ${name} (${theme}, ${locale}): renders and is axe-clean`, async () => {
          const args = { ...meta.args, ...story.args };
          const render = story.render ?? meta.render;
          expect(render, `${name} has a render function`).to.be.a('function');
          const globals = { theme, locale };
          // As storybook/.storybook/preview.ts decorates every story: inside a provider with the toolbar's theme and locale.
          const host = await fixture<HTMLElement>(html`<crm-provider theme=${theme} locale=${locale} style="padding: 1rem">${render!(args, { globals, args })}</crm-provider>`);
          const tag = meta.component!;
          const element = host.querySelector(tag) ?? (tag === 'crm-provider' ? host : null);
          expect(element, `${name} renders <${tag}>`).not.to.equal(null);
          if (name !== 'Loading') await until(() => !stillLoading(host, tag), 6000, `${name} loaded`);
          await story.play?.({ canvasElement: host });
          await (element as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
          // Not blank: the element's shadow root shows text or controls.
          const shown = element!.shadowRoot!;
          expect(shown.textContent!.trim().length + shown.querySelectorAll('input, select, button, crm-state, slot').length, `${name} is not blank`).to.be.greaterThan(0);
          await expectAccessible(host);
        });
      }
    }
  }
});
