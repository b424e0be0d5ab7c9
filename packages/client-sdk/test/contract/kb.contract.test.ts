// The knowledge base through the signed-in client (crm.kb), and published articles through a widget's publishable key (publicArticles(crm)).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CrmClient } from '../../src/core/client.js';
import { CrmConflictError, CrmNotFoundError, CrmPreconditionFailedError, CrmValidationError } from '../../src/core/errors.js';
import { createPublicClient } from '../../src/core/public-client.js';
import { publicArticles } from '../../src/resources/portal-articles.js';
import { startLiveApi, type LiveApi } from '../support/live-api.js';

let api: LiveApi;
let crm: CrmClient;

before(async () => {
  api = await startLiveApi({ file: import.meta.filename });
  crm = api.adminClient();
});
after(async () => {
  await api?.close();
});

describe('crm.kb', () => {
  it('should write, publish, version and restore an article, and keep categories in order', async () => {
    const billing = await crm.kb.categories.create({ name: 'Billing' });
    const invoices = await crm.kb.categories.create({ name: 'Invoices', parentId: billing.id });
    assert.deepEqual((await crm.kb.categories.all()).map((c) => c.name), ['Billing', 'Invoices']);
    await assert.rejects(crm.kb.categories.create({ name: 'Too deep', parentId: invoices.id }), CrmValidationError);

    const article = await crm.kb.articles.create({ title: 'Download an invoice', body: 'Open **Billing**.', categoryId: invoices.id, visibility: 'public' } as never);
    assert.equal(article.status, 'draft');
    assert.match(article.html, /<strong>Billing<\/strong>/);
    const live = await crm.kb.articles.publish(article.id);
    assert.equal(live.publishedVersion, 1);
    const edited = await crm.kb.articles.update(article.id, { body: 'Open **Billing**, then Invoices.' }, { ifMatch: live.version });
    assert.equal(edited.draftVersion, 2);
    await assert.rejects(crm.kb.articles.update(article.id, { title: 'Stale' }, { ifMatch: live.version }), CrmPreconditionFailedError);
    assert.deepEqual((await crm.kb.articles.versions(article.id)).map((v) => v.number), [2, 1]);
    assert.equal((await crm.kb.articles.version(article.id, 1)).body, 'Open **Billing**.');
    const restored = await crm.kb.articles.restore(article.id, 1);
    assert.equal(restored.body, 'Open **Billing**.');
    const page = await crm.kb.articles.list({ categoryId: invoices.id });
    assert.deepEqual(page.data.map((a) => a.id), [article.id]);
    assert.deepEqual((await crm.kb.articles.list({ q: 'invoice' })).data.map((a) => a.id), [article.id]);
    await assert.rejects(crm.kb.categories.remove(invoices.id), CrmConflictError);
    assert.deepEqual(await crm.kb.articles.vote(article.id, { helpful: true }), { counted: true, helpful: 1, notHelpful: 0 });
    await crm.kb.articles.remove(article.id);
    await assert.rejects(crm.kb.articles.get(article.id), CrmNotFoundError);
  });

  it('should show a visitor public articles only, suggest them, and count a visitor’s vote once', async () => {
    const origin = 'https://help.example.test';
    const shown = await crm.kb.articles.create({ title: 'Reset your password', slug: 'reset-password', body: 'Choose **Forgot password**.', visibility: 'public' } as never);
    await crm.kb.articles.publish(shown.id);
    const hidden = await crm.kb.articles.create({ title: 'Password override for agents', visibility: 'internal' } as never);
    await crm.kb.articles.publish(hidden.id);
    const { key } = await crm.apiKeys.create({ kind: 'publishable', name: 'Help centre', allowedOrigins: [origin] });
    const widget = createPublicClient({
      baseUrl: api.baseUrl,
      publishableKey: key,
      fetch: (url, init) => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), Origin: origin } }),
    });
    assert.deepEqual((await publicArticles(widget).list()).map((a) => a.slug), ['reset-password']);
    assert.match((await publicArticles(widget).get('reset-password')).html, /<strong>Forgot password<\/strong>/);
    assert.deepEqual((await publicArticles(widget).suggest({ q: 'I forgot my password' })).map((a) => a.id), [shown.id]);
    await assert.rejects(publicArticles(widget).vote(hidden.id, { helpful: true, visitorId: randomUUID() }), CrmNotFoundError);
    const visitorId = randomUUID();
    assert.equal((await publicArticles(widget).vote(shown.id, { helpful: true, visitorId })).counted, true);
    assert.equal((await publicArticles(widget).vote(shown.id, { helpful: true, visitorId })).counted, false);
  });
});
