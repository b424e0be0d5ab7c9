// Checks every Storybook story of the given modules: it renders something (never a blank element) and
// passes axe, in the light theme in English and the dark theme in German, inside a provider as
// Storybook's decorator puts it. Story files are split over several test files (each has its own
// time budget in the test runner); each calls `describeStories` with its modules.
import { expect, fixture } from '@open-wc/testing';
import { html, type TemplateResult } from 'lit';
import '../provider/provider.js';
import { expectAccessible } from './axe.js';
import { until } from './live-api.js';

type Render = (args: Record<string, unknown>, context: { globals: Record<string, string>; args: Record<string, unknown> }) => TemplateResult;
interface StoryLike {
  args?: Record<string, unknown>;
  render?: Render;
  /** Storybook's interaction step (e.g. picking a file), run here as Storybook runs it. */
  play?: (context: { canvasElement: HTMLElement }) => Promise<void>;
}
/** A `*.stories.ts` module as Storybook reads it. */
export interface StoriesModule {
  default: { title?: string; component?: string; args?: Record<string, unknown>; render?: Render };
  [story: string]: unknown;
}


/** The kinds of `<crm-state>` an element's shadow root shows (loading, empty, error), with their messages. */
function shownStates(element: Element): Array<{ kind: string; message: string }> {
  return [...(element.shadowRoot?.querySelectorAll('crm-state') ?? [])].map((state) => ({
    kind: state.getAttribute('kind') ?? (state as HTMLElement & { kind?: string }).kind ?? '',
    message: (state.shadowRoot?.querySelector('[part="message"]')?.textContent ?? '').trim(),
  }));
}

/** The story's elements whose own shadow root still shows a loading state. */
function stillLoading(root: Element, tag: string): boolean {
  return [...root.querySelectorAll(tag)].some((el) => el.shadowRoot?.querySelector('crm-state[kind="loading"]'));
}

/** Declares the story checks of `modules` (keyed by a short name, e.g. `leadList`). */
export function describeStories(suite: string, modules: Record<string, unknown>): void {
  describe(suite, () => {
    for (const [file, module] of Object.entries(modules as Record<string, StoriesModule>)) {
      const meta = module.default;
      const stories = Object.entries(module).filter(([name]) => name !== 'default') as Array<[string, StoryLike]>;

      // callButton and exportButton load nothing until pressed: they have no loading or error state of their own.
      const dataElement = !['provider', 'selectField', 'state', 'textField', 'gauge', 'chart', 'callButton', 'exportButton'].includes(file);
      it(`${meta.title}: documents a registered element, and a data element's loading and error states`, () => {
        expect(meta.component, `${file} names its component`).to.match(/^crm-/);
        expect(customElements.get(meta.component!), `<${meta.component}> is registered`).to.be.a('function');
        const names = stories.map(([name]) => name);
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
            // Not blank: the element takes room on the page and its shadow root shows text or controls.
            const shown = element!.shadowRoot!;
            expect(element!.getBoundingClientRect().height, `${name} takes room on the page`).to.be.greaterThan(0);
            expect(shown.textContent!.trim().length + shown.querySelectorAll('input, select, button, crm-state, slot').length, `${name} is not blank`).to.be.greaterThan(0);
            // And it shows the state it is named for: a data element's Loading story loads, its Error story
            // explains the failure, and every other story has loaded without an error state.
            if (dataElement) {
              const states = shownStates(element!);
              if (name === 'Loading') expect(states.map((s) => s.kind), `${name} shows the loading state`).to.include('loading');
              else if (name === 'Error') {
                const error = states.find((s) => s.kind === 'error');
                expect(error, `${name} shows the error state`).not.to.equal(undefined);
                expect(error!.message, `${name} says what failed`).not.to.equal('');
              } else expect(states.filter((s) => s.kind === 'error' || s.kind === 'loading'), `${name} shows no error or loading state`).to.deep.equal([]);
            }
            await expectAccessible(host);
          });
        }
      }
    }
  });
}
