// What the end-to-end tests of the example hosts (examples/portal, examples/vue) share: a fresh agency on
// the test API with its admin's credentials, the host page in a same-origin frame that records what went
// wrong in it, and signing in through <crm-provider>'s own form with real key presses.
import { sendKeys } from '@web/test-runner-commands';
import { liveApi, until, type LiveApi } from '../test/live-api.js';

/** examples/ as the test runner serves it (its root is packages/elements). */
export const examplesRoot = '/__wds-outside-root__/2/examples/';

/** A host page in a frame, and what went wrong in it since it loaded. */
export interface HostFrame {
  frame: HTMLIFrameElement;
  win: Window;
  doc: Document;
  /** CSP violations, uncaught errors and unhandled rejections in the page. */
  problems: string[];
  close(): void;
}

/**
 * A fresh agency on the running API (scripts/e2e-api-plugin.mjs) and its signed-in SDK client (the test's
 * own, to arrange data and read the API's state afterwards), once `built` (a file of the example's build)
 * is there; `build` is the command that makes it.
 */
export async function exampleAgency(built: string, build: string): Promise<LiveApi> {
  if (!(await fetch(built, { method: 'HEAD' })).ok) throw new Error(`the example is not built: run \`${build}\``);
  return liveApi();
}

/** Opens `src` in a same-origin frame of `width` × `height` px. */
export async function openHostFrame(src: string, options: { title: string; width?: number; height?: number; style?: string }): Promise<HostFrame> {
  const frame = document.createElement('iframe');
  frame.title = options.title;
  frame.style.cssText = `width: ${options.width ?? 1280}px; height: ${options.height ?? 900}px; border: 0; ${options.style ?? ''}`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.src = src;
  document.body.append(frame);
  await loaded;
  const win = frame.contentWindow!;
  const doc = frame.contentDocument!;
  const problems: string[] = [];
  doc.addEventListener('securitypolicyviolation', (e) => {
    const where = e.composedPath()[0] as Element;
    const host = (where.getRootNode() as ShadowRoot).host?.localName ?? 'document';
    problems.push(`CSP ${e.violatedDirective} ${e.blockedURI} in ${host}: <${where.localName} ${where.getAttribute?.('part') ?? ''}> ${e.sample} ${e.sourceFile}:${e.lineNumber}`);
  });
  win.addEventListener('error', (e) => problems.push(`error ${e.message}`));
  win.addEventListener('unhandledrejection', (e) => problems.push(`unhandled ${String(e.reason)}`));
  return { frame, win, doc, problems, close: () => frame.remove() };
}

/** The `<input>` of the provider's sign-in field `name`, once rendered. */
function signInField(provider: Element, name: 'email' | 'password'): HTMLInputElement | null {
  return provider.shadowRoot?.querySelector(`crm-text-field[name="${name}"]`)?.shadowRoot?.querySelector('input') ?? null;
}

/** Signs in through `<crm-provider>`'s own form in `doc`, as a person would: typing, then Enter. */
export async function signInByKeyboard(doc: Document, credentials: { email: string; password: string }): Promise<void> {
  await until(() => Boolean(doc.querySelector('crm-provider') && signInField(doc.querySelector('crm-provider')!, 'password')), 10_000, 'the sign-in form');
  const provider = doc.querySelector('crm-provider')!;
  signInField(provider, 'email')!.focus();
  await sendKeys({ type: credentials.email });
  signInField(provider, 'password')!.focus();
  await sendKeys({ type: credentials.password });
  await sendKeys({ press: 'Enter' });
}
