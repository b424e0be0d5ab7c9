/**
 * `npm run measure-sizes -w @crm/widgets`: the boxes the widgets take on the example partner page, in
 * Chromium, at 390 and 1280 px wide: before their module runs (the `:not(:defined)` rules of
 * crm-widgets.css), once rendered, and the height their content needs. The default reserved heights
 * (src/crm-widgets.css and each widget's :host) are the larger of the two widths' needs.
 */
import { inWidget, openPage, startHarness } from './harness.js';

const h = await startHarness();
try {
  for (const width of [390, 1280]) {
    const viewport = { width, height: 900 };
    // Scripts off: what the page shows before the loader runs (only the stylesheet applies).
    const before = await h.browser.newPage();
    await before.setViewport(viewport);
    await before.setJavaScriptEnabled(false);
    await before.goto(`${h.partner.url}/index.html`, { waitUntil: 'load' });
    const undefinedBoxes = await before.evaluate(() => ['#signup', '#card'].map((s) => document.querySelector(s)!.getBoundingClientRect().toJSON()));
    await before.close();
    const { page } = await openPage(h.browser, `${h.partner.url}/index.html`, { viewport, newVisitor: true });
    await inWidget(page, '#signup', 'form');
    await inWidget(page, '#card', '[part="title"]');
    await page.evaluate(() => document.fonts.ready);
    const rendered = await page.evaluate(() =>
      [
        ['#signup', '--crm-referral-signup-min-height'],
        ['#card', '--crm-campaign-card-min-height'],
      ].map(([selector, property]) => {
        const host = document.querySelector<HTMLElement>(selector!)!;
        const box = host.getBoundingClientRect().toJSON();
        host.style.setProperty(property!, '0px');
        const content = host.getBoundingClientRect().height;
        host.style.removeProperty(property!);
        return { selector, box, content };
      }),
    );
    const shift = await page.evaluate(() => (window as unknown as { __shifts: number }).__shifts);
    for (const [i, r] of rendered.entries()) {
      const u = undefinedBoxes[i]!;
      console.log(`${width}px ${r.selector}: before definition ${u.width}×${u.height}, rendered ${r.box.width}×${r.box.height}, content needs ${r.content}`);
    }
    console.log(`${width}px layout shift: ${shift}`);
    await page.close();
  }
} finally {
  await h.close();
}
