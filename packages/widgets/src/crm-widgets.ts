/**
 * crm-widgets.js: the one script a partner page loads.
 *
 *   <script type="module" src="https://crm.example/widgets/crm-widgets.js" data-key="pk_live_..."></script>
 *   <crm-referral-signup campaign="SPRING26" referral="ANNA-2026"></crm-referral-signup>
 *
 * It reads its own tag, claims one global (`window.CrmWidgets`), then loads and registers the widgets.
 * Imported during server rendering (no `window`) it does nothing; a second copy on the page (another
 * script tag) finds the global and does nothing either.
 */
import type { WidgetConfig } from './shared/config.js';

/** The widgets a page can mount by name. */
export type WidgetName = 'referral-signup' | 'campaign-card' | 'event-registration';

/** `window.CrmWidgets`. */
export interface CrmWidgetsApi {
  readonly version: string;
  readonly config: Readonly<WidgetConfig>;
  /**
   * Registers the widgets on the page (or the one named); resolves when they are defined. A failed
   * load is forgotten, so the next call retries it.
   */
  load(widget?: WidgetName): Promise<void>;
  /** Creates a widget inside `target` (an element or a selector) and returns it. */
  mount(target: Element | string, options: { widget: WidgetName; campaign?: string; event?: string; referral?: string; lang?: string }): HTMLElement;
  /** Removes one mounted widget, or every widget mounted with `mount()`. */
  destroy(element?: Element): void;
  /** Listens to `ready` (tags registered) or `error` (loading failed; `detail.error`). */
  on(event: 'ready' | 'error', listener: (event: CustomEvent) => void): void;
  off(event: 'ready' | 'error', listener: (event: CustomEvent) => void): void;
}

declare global {
  interface Window {
    CrmWidgets?: CrmWidgetsApi;
  }
}

const VERSION = '0.1.0';

/** The `<script>` that loaded this module (module scripts have no `document.currentScript`). */
function ownScript(url: string): HTMLScriptElement | null {
  return Array.from(document.querySelectorAll<HTMLScriptElement>('script[src]')).find((script) => script.src === url) ?? null;
}

function boot(): void {
  if (window.CrmWidgets) return;
  const url = import.meta.url;
  const script = ownScript(url);
  const config: WidgetConfig = {
    key: script?.dataset.key ?? '',
    api: (script?.dataset.api ?? new URL(url).origin).replace(/\/+$/, ''),
    locale: script?.dataset.locale,
  };
  const mounted = new Set<Element>();
  const loading = new Map<WidgetName, Promise<void>>();
  // Each widget is its own file beside this one (crm-referral-signup.js, crm-campaign-card.js), fetched
  // only when its tag is used. The URL is built at run time so the bundler adds no preload helper.
  const chunk = (widget: WidgetName): Promise<{ start(config: WidgetConfig): void }> => import(/* @vite-ignore */ new URL(`./crm-${widget}.js`, url).href);
  const names: WidgetName[] = ['referral-signup', 'campaign-card', 'event-registration'];

  let additions: MutationObserver | null = null;
  const fire = (name: 'ready' | 'error', detail: unknown) => window.dispatchEvent(new CustomEvent(`crm:${name}`, { detail }));

  // A widget far below the fold costs the page nothing until the visitor scrolls within a screen of it:
  // its code is fetched, evaluated and rendered only then. (Without IntersectionObserver: at once.)
  const nearby =
    typeof IntersectionObserver === 'function'
      ? new IntersectionObserver(
          (entries) => {
            for (const entry of entries) {
              if (!entry.isIntersecting) continue;
              nearby?.unobserve(entry.target);
              void loadWidget(entry.target.localName.slice(4) as WidgetName).catch(() => {});
            }
          },
          { rootMargin: '100% 0px' },
        )
      : null;

  function loadWidget(widget: WidgetName): Promise<void> {
    let pending = loading.get(widget);
    if (!pending) {
      pending = chunk(widget).then(
        async (chunk) => {
          // Evaluating the chunk was one task; defining the tag (and upgrading every instance) is the next.
          await new Promise((resolve) => setTimeout(resolve, 0));
          chunk.start(config);
          fire('ready', { widget, version: VERSION });
        },
        (error: unknown) => {
          loading.delete(widget);
          fire('error', { widget, error });
          throw error;
        },
      );
      loading.set(widget, pending);
      if (names.every((w) => loading.has(w))) {
        additions?.disconnect();
        nearby?.disconnect();
      }
    }
    return pending;
  }

  /** Loads the widgets whose tags are in `root` now, whether on screen or not (`load()`). */
  function scan(root: ParentNode): void {
    for (const widget of names) if (!loading.has(widget) && root.querySelector(`crm-${widget}`)) void loadWidget(widget).catch(() => {});
  }

  /** Watches the widget tags in `root` (or `root` itself); true once every kind is loaded. */
  function watch(root: Element | Document): boolean {
    const tags = names.filter((w) => !loading.has(w)).map((w) => `crm-${w}`);
    if (tags.length) {
      const found = root instanceof Element && tags.includes(root.localName) ? [root] : Array.from(root.querySelectorAll(tags.join(',')));
      for (const element of found) {
        if (nearby) nearby.observe(element);
        else void loadWidget(element.localName.slice(4) as WidgetName).catch(() => {});
      }
    }
    return names.every((w) => loading.has(w));
  }

  const api: CrmWidgetsApi = {
    version: VERSION,
    config,
    async load(widget) {
      if (widget) return loadWidget(widget);
      scan(document);
      await Promise.all([...loading.values()]);
    },
    mount(target, options) {
      const parent = typeof target === 'string' ? document.querySelector(target) : target;
      if (!parent) throw new Error(`CrmWidgets.mount: nothing matches ${String(target)}`);
      const element = document.createElement(`crm-${options.widget}`);
      if (options.campaign) element.setAttribute('campaign', options.campaign);
      if (options.event) element.setAttribute('event', options.event);
      if (options.referral) element.setAttribute('referral', options.referral);
      if (options.lang) element.setAttribute('lang', options.lang);
      parent.append(element);
      mounted.add(element);
      void loadWidget(options.widget).catch(() => {});
      return element;
    },
    destroy(element) {
      for (const el of element ? [element] : [...mounted]) {
        el.remove();
        mounted.delete(el);
      }
    },
    on(event, listener) {
      window.addEventListener(`crm:${event}`, listener as EventListener);
    },
    off(event, listener) {
      window.removeEventListener(`crm:${event}`, listener as EventListener);
    },
  };
  Object.defineProperty(window, 'CrmWidgets', { value: api });
  if (!config.key) {
    fire('error', { error: new Error('crm-widgets: add data-key="pk_..." to the script tag') });
    return;
  }
  const start = () => {
    if (watch(document)) return;
    // Frameworks (React, Vue) add their tags later: watch for them until every kind is loaded.
    additions = new MutationObserver((records) => {
      for (const record of records) for (const node of Array.from(record.addedNodes)) if (node instanceof Element) watch(node);
    });
    additions.observe(document.documentElement, { childList: true, subtree: true });
  };
  // A module script runs after parsing, never before first paint; register the tags when the browser is idle.
  if ('requestIdleCallback' in window) window.requestIdleCallback(start, { timeout: 500 });
  else setTimeout(start, 1);
}

if (typeof window !== 'undefined' && typeof document !== 'undefined') boot();
