import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { errorHandler } from './middleware.js';
import { widgetBundleRouter } from './widget-bundle.js';

describe('the widget bundle at /widgets/<version>/', () => {
  let dir: string;
  const loader = `export const loader = ${JSON.stringify('x'.repeat(2000))};\n`;
  const app = (folder: string) => express().use('/widgets', widgetBundleRouter(folder)).use(errorHandler({ exposeInternal: false }));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crm-widgets-'));
    await writeFile(join(dir, 'crm-widgets.js'), loader);
    await writeFile(join(dir, 'crm-widgets.css'), 'crm-campaign-card:not(:defined){display:block}\n');
    await writeFile(join(dir, 'crm-widgets.js.map'), '{}');
    await writeFile(join(dir, 'crm-widgets.sri.json'), JSON.stringify({ version: '1.2.3', files: { 'crm-widgets.js': 'sha384-abc', 'crm-widgets.css': 'sha384-def' } }));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should serve a built file as an immutable, compressed, cross-origin module script', async () => {
    const res = await request(app(dir)).get('/widgets/1.2.3/crm-widgets.js').set('Accept-Encoding', 'gzip').set('Origin', 'https://partner.example');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(res.text, loader);
    const css = await request(app(dir)).get('/widgets/1.2.3/crm-widgets.css');
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  });

  it('should answer a 404 problem naming the current loader for another version, a source map or a file outside the build', async () => {
    for (const path of ['/widgets/1.2.2/crm-widgets.js', '/widgets/1.2.3/crm-widgets.js.map', '/widgets/1.2.3/crm-widgets.sri.json', '/widgets/1.2.3/..%2Fpasswd']) {
      const res = await request(app(dir)).get(path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
      assert.match(res.body.detail, /\/widgets\/1\.2\.3\/crm-widgets\.js/, path);
      assert.doesNotMatch(res.headers['cache-control'] ?? '', /immutable/);
    }
  });

  it('should say how to build the widgets while they are not built', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'crm-widgets-empty-'));
    try {
      const res = await request(app(empty)).get('/widgets/1.2.3/crm-widgets.js');
      assert.equal(res.status, 503);
      assert.equal(res.body.code, 'unavailable');
      assert.match(res.body.detail, /npm run build -w @crm\/widgets/);
      assert.equal(res.body.detail.includes(empty), false, 'no server path in a public answer');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
