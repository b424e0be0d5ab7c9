import { expect, fixture, html } from '@open-wc/testing';
import { expectFitsLayout, phoneWidth, resetViewport, useViewport } from './viewport.js';

describe('expectFitsLayout', () => {
  afterEach(resetViewport);

  it('should pass a roomy layout and name a small target, an overlap and a sideways scroll', async () => {
    await useViewport(phoneWidth);
    const fine = await fixture<HTMLElement>(html`<div><button style="min-height:44px;min-width:44px">OK</button></div>`);
    expectFitsLayout(fine);
    const small = await fixture<HTMLElement>(html`<div><button style="height:30px">Tiny</button></div>`);
    expect(() => expectFitsLayout(small)).to.throw(/"Tiny" is \d+×30 px, under 44 px/);
    const overlapping = await fixture<HTMLElement>(html`<div style="position:relative;height:60px">
      <button style="position:absolute;left:0;width:60px;height:44px">A</button><button style="position:absolute;left:30px;width:60px;height:44px">B</button></div>`);
    expect(() => expectFitsLayout(overlapping)).to.throw(/"A" overlaps <button> "B"/);
    const wide = await fixture<HTMLElement>(html`<div style="overflow-x:auto"><div style="width:800px;height:10px"></div></div>`);
    expect(() => expectFitsLayout(wide)).to.throw(/scrolls sideways/);
  });
});
