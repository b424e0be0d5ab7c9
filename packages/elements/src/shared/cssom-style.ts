import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

/** CSS property names (hyphenated, as `style.setProperty` takes them) to values. */
export type CrmStyleValues = Readonly<Record<string, string>>;

/**
 * Sets inline styles through the CSSOM (`element.style.setProperty`), never as a `style` attribute.
 * Lit's `styleMap` writes its first value as an attribute, which a page whose Content-Security-Policy
 * has no `'unsafe-inline'` in `style-src` refuses; CSSOM writes are always allowed. Like `styleMap`,
 * it only touches properties whose value changed since the last render.
 */
class CssomStyleDirective extends Directive {
  #previous: CrmStyleValues = {};

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('cssomStyle() goes in an element binding: <div ${cssomStyle({...})}>.');
  }

  render(_styles: CrmStyleValues): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [styles]: [CrmStyleValues]): typeof noChange {
    const { style } = part.element as HTMLElement;
    const previous = this.#previous;
    for (const name in previous) if (!(name in styles)) style.removeProperty(name);
    for (const name in styles) if (previous[name] !== styles[name]) style.setProperty(name, styles[name]!);
    this.#previous = styles;
    return noChange;
  }
}

/** `<div ${cssomStyle({ transform: 'translateY(84px)' })}>`: inline styles a strict CSP allows. */
export const cssomStyle = directive(CssomStyleDirective);
