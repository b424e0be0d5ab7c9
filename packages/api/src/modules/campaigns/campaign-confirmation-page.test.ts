import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTestRuntime } from '../../testing/index.js';
import { confirmationPagePolicy, renderConfirmationPage } from './campaign-confirmation-page.js';

describe('the double opt-in confirmation page', () => {
  it('should show the agency, the campaign and its message, every value escaped', () => {
    const html = renderConfirmationPage({ agencyName: '<Northwind & Co>', campaignTitle: 'Spring "<b>offer</b>"', locale: 'en', message: '<script>alert(1)</script> Thanks!' });
    assert.match(html, /<html lang="en">/);
    assert.match(html, /<span>&#60;Northwind &#38; Co&#62;<\/span>/);
    assert.match(html, /<span class="mark" aria-hidden="true">&#60;<\/span>/);
    assert.match(html, /<p class="campaign">Spring &#34;&#60;b&#62;offer&#60;\/b&#62;&#34;<\/p>/);
    assert.match(html, /<p>&#60;script&#62;alert\(1\)&#60;\/script&#62; Thanks!<\/p>/);
    assert.doesNotMatch(html, /<script|<b>/);
    assert.match(html, /<h1>Signup confirmed<\/h1>/);
    assert.match(html, /<title>Signup confirmed · &#60;Northwind &#38; Co&#62;<\/title>/);
  });

  it('should speak the agency’s language and say what to do when the link failed', () => {
    const html = renderConfirmationPage({ agencyName: 'Nordwind', campaignTitle: null, locale: 'de-AT', message: null, failed: true, reason: 'The link has expired; sign up again' });
    assert.match(html, /<html lang="de">/);
    assert.match(html, /<h1>Dieser Link hat nicht funktioniert<\/h1>/);
    assert.match(html, /<p>The link has expired; sign up again\.<\/p>/);
    assert.match(html, /class="failed"/);
  });

  it('should allow exactly its own style and nothing else', () => {
    const html = renderConfirmationPage({ agencyName: null, campaignTitle: null, locale: 'en', message: null });
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    assert.equal(confirmationPagePolicy, `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
    assert.doesNotMatch(html, /style="/);
    assert.match(html, /<p>Thank you, your signup is confirmed\.<\/p>/);
  });

  describe('served to a browser', () => {
    let rt: Awaited<ReturnType<typeof createTestRuntime>>;
    before(async () => {
      rt = await createTestRuntime({ file: import.meta.filename });
    });
    after(() => rt.close());

    it('should answer a link that is not ours with the styled page under its policy (400), and JSON clients with a problem', async () => {
      const page = await rt.request().get('/v1/public/signup-confirmations').query({ token: 'x'.repeat(40) }).set('Accept', 'text/html');
      assert.equal(page.status, 400);
      assert.match(page.headers['content-type']!, /text\/html/);
      assert.equal(page.headers['content-security-policy'], confirmationPagePolicy);
      assert.match(page.text, /<h1>This link did not work<\/h1>/);
      assert.match(page.text, /Sign up again/);
      const json = await rt.request().get('/v1/public/signup-confirmations').query({ token: 'x'.repeat(40) }).set('Accept', 'application/json');
      assert.equal(json.status, 400);
      assert.equal(json.body.errors[0].field, 'token');
    });
  });
});
