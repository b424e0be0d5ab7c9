import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import supertest from 'supertest';
import { portalRouter } from './portal.js';

/** An app with only the portal mounted, as app.ts mounts it, over `dir`. */
function appOver(dir: string) {
  const app = express();
  app.use('/app', portalRouter(dir));
  app.use((_req, res) => void res.status(404).json({ code: 'not_found' }));
  return supertest(app);
}

describe('the portal at /app/', () => {
  let built: string;
  let empty: string;
  before(() => {
    built = mkdtempSync(join(tmpdir(), 'crm-portal-'));
    empty = mkdtempSync(join(tmpdir(), 'crm-portal-empty-'));
    mkdirSync(join(built, 'chunks'));
    writeFileSync(join(built, 'index.html'), '<!doctype html><meta name="crm-api" content="{{CRM_API}}"><script type="module" src="portal.js"></script>');
    writeFileSync(join(built, 'portal.js'), 'export {};');
    writeFileSync(join(built, 'portal.css'), 'body { margin: 0 }');
    writeFileSync(join(built, 'chunks', 'lit-1.js'), 'export const lit = 1;');
    writeFileSync(join(tmpdir(), 'outside.txt'), 'secret');
  });
  after(() => {
    rmSync(built, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });

  it('should serve the page with its own origin as its API, under a strict policy', async () => {
    const res = await appOver(built).get('/app/').set('Host', 'crm.example.test:3000');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type']!, /text\/html/);
    assert.match(res.text, /content="same-origin"/);
    const policy = res.headers['content-security-policy']!;
    assert.match(policy, /script-src 'self';/);
    assert.match(policy, /style-src 'self';/);
    assert.match(policy, /connect-src 'self' ws:\/\/crm\.example\.test:3000 wss:\/\/crm\.example\.test:3000;/);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
  });

  it('should answer the email-link pages (no extension) with the portal page, and files as they are', async () => {
    for (const path of ['/app/accept-invitation?token=abc', '/app/reset-password?token=abc', '/app/verify-email?token=abc']) {
      const res = await appOver(built).get(path);
      assert.equal(res.status, 200, path);
      assert.match(res.text, /src="portal\.js"/, path);
    }
    const script = await appOver(built).get('/app/chunks/lit-1.js');
    assert.equal(script.status, 200);
    assert.match(script.headers['content-type']!, /text\/javascript/);
    assert.equal(script.text, 'export const lit = 1;');
    assert.match((await appOver(built).get('/app/portal.css')).headers['content-type']!, /text\/css/);
  });

  it("should serve the page at a nested link (a notification's /app/exports/<id>) with the files it asks for relative to it", async () => {
    const page = await appOver(built).get('/app/exports/0123456789abcdef01234567');
    assert.equal(page.status, 200);
    assert.match(page.text, /src="portal\.js"/);
    const script = await appOver(built).get('/app/exports/portal.js');
    assert.equal(script.status, 200);
    assert.equal(script.text, 'export {};');
    assert.equal((await appOver(built).get('/app/exports/chunks/lit-1.js')).text, 'export const lit = 1;');
    assert.equal((await appOver(built).get('/app/exports/missing.js')).status, 404);
    assert.equal((await appOver(built).get('/app/exports/%2e%2e/%2e%2e/outside.txt')).status, 404);
  });

  it('should redirect /app to /app/ keeping the query', async () => {
    const res = await appOver(built).get('/app?x=1');
    assert.equal(res.status, 301);
    assert.equal(res.headers.location, '/app/?x=1');
  });

  it('should never read a file outside its folder, and pass unknown files on as 404', async () => {
    assert.equal((await appOver(built).get('/app/../outside.txt')).status, 404);
    assert.equal((await appOver(built).get('/app/%2e%2e/outside.txt')).status, 404);
    assert.equal((await appOver(built).get('/app/missing.js')).status, 404);
  });

  it('should say how to build the portal when it is not built', async () => {
    const res = await appOver(empty).get('/app/reset-password?token=abc');
    assert.equal(res.status, 503);
    assert.match(res.text, /node examples\/portal\/build\.mjs/);
    assert.match(res.text, /npm start/);
  });
});
