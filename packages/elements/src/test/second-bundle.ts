// A second copy of an element's class, as a second bundle of these elements on one page (two partner
// scripts, say) carries it: the same module loaded again under another URL is a new module instance
// with its own class, which then tries to define the tag the first copy already defined.
let copies = 0;

/** Loads the module at `url` (an element's `*.component.ts`, as the test server serves it) once more as a separate module instance. */
export async function loadSecondCopy<TModule>(url: URL): Promise<TModule> {
  return (await import(/* @vite-ignore */ `${url.href}?second-bundle=${++copies}`)) as TModule;
}
