import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';

/** A real 2×2 PNG (signature, IHDR, IDAT, IEND with their CRCs), so any image viewer would show it. */
function png(rgb: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.from([0, ...rgb, ...rgb]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat([row, row]))), chunk('IEND', Buffer.alloc(0))]);
}

describe('contact pictures', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const path = (url: string) => new URL(url).pathname;

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
  });
  after(() => rt.close());

  const contact = async () => {
    const res = await rt.request().post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName: 'Pia', lastName: 'Picture' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; version: number };
  };
  const upload = (id: string, bytes: Buffer, type = 'image/png', token = agency.adminToken) =>
    rt.request().put(`/v1/contacts/${id}/picture`).set(auth(token)).set('Content-Type', type).send(bytes);

  it('should store an uploaded image and serve it without credentials at the contact’s pictureUrl', async () => {
    const c = await contact();
    const image = png([200, 30, 30]);
    const res = await upload(c.id, image);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.body.pictureUrl, /\/v1\/contact-pictures\/[0-9a-f]{32}$/);
    assert.equal(res.body.version, c.version + 1, 'a change of the contact like any other');
    const served = await rt.request().get(path(res.body.pictureUrl)).buffer(true).parse((r, done) => {
      const parts: Buffer[] = [];
      r.on('data', (b: Buffer) => parts.push(b));
      r.on('end', () => done(null, Buffer.concat(parts)));
    });
    assert.equal(served.status, 200);
    assert.equal(served.headers['content-type'], 'image/png');
    assert.equal(served.headers['x-content-type-options'], 'nosniff');
    assert.equal(served.headers['cross-origin-resource-policy'], 'cross-origin', 'a host page on another origin may show it');
    assert.equal(served.headers['access-control-allow-origin'], '*', 'and read it (a canvas, a fetch)');
    assert.match(served.headers['cache-control'] ?? '', /immutable/);
    assert.ok((served.body as Buffer).equals(image), 'the very bytes uploaded');
    const read = await rt.request().get(`/v1/contacts/${c.id}`).set(auth(agency.adminToken));
    assert.equal(read.body.pictureUrl, res.body.pictureUrl);
  });

  it('should replace the previous picture (its URL stops working) and remove it on request', async () => {
    const c = await contact();
    const first = await upload(c.id, png([0, 0, 255]));
    const second = await upload(c.id, png([0, 255, 0]), 'application/octet-stream');
    assert.equal(second.status, 200, 'the type comes from the bytes, not the header');
    assert.notEqual(second.body.pictureUrl, first.body.pictureUrl);
    assert.equal((await rt.request().get(path(first.body.pictureUrl))).status, 404);
    assert.equal((await rt.request().get(path(second.body.pictureUrl))).status, 200);
    const removed = await rt.request().delete(`/v1/contacts/${c.id}/picture`).set(auth(agency.adminToken));
    assert.equal(removed.status, 200);
    assert.equal(removed.body.pictureUrl, null);
    assert.equal((await rt.request().get(path(second.body.pictureUrl))).status, 404);
  });

  it('should refuse what is not a PNG, JPEG, GIF or WebP image (SVG and HTML included), too large a file, and change nothing', async () => {
    const c = await contact();
    const svg = await upload(c.id, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml');
    assert.equal(svg.status, 415);
    const html = await upload(c.id, Buffer.from('<html><script>alert(1)</script></html>'), 'image/png');
    assert.equal(html.status, 415);
    const big = await upload(c.id, Buffer.concat([png([1, 2, 3]), Buffer.alloc(1024 * 1024)]));
    assert.equal(big.status, 413);
    const empty = await rt.request().put(`/v1/contacts/${c.id}/picture`).set(auth(agency.adminToken));
    assert.equal(empty.status, 400);
    const after = await rt.request().get(`/v1/contacts/${c.id}`).set(auth(agency.adminToken));
    assert.equal(after.body.pictureUrl, null);
    assert.equal(after.body.version, c.version);
  });

  it('should let only those who may edit the contact upload, and no other agency', async () => {
    const c = await contact();
    const other = await makeAgency(rt);
    assert.equal((await upload(c.id, png([9, 9, 9]), 'image/png', other.adminToken)).status, 404);
    const se = await makeUser(rt, agency, { role: 'SE' });
    const seToken = await signIn(rt, se.email);
    assert.ok([403, 404].includes((await upload(c.id, png([9, 9, 9]), 'image/png', seToken)).status), 'an SE cannot see the admin’s contact');
    assert.equal((await rt.request().put(`/v1/contacts/${c.id}/picture`).set('Content-Type', 'image/png').send(png([9, 9, 9]))).status, 401);
    assert.equal((await rt.request().get(`/v1/contacts/${c.id}`).set(auth(agency.adminToken))).body.pictureUrl, null);
    assert.equal((await rt.request().get('/v1/contact-pictures/not-an-id')).status, 400);
    assert.equal((await rt.request().get(`/v1/contact-pictures/${'0'.repeat(32)}`)).status, 404);
  });

  it('should forget the picture when the contact is deleted', async () => {
    const c = await contact();
    const res = await upload(c.id, png([5, 5, 5]));
    assert.equal((await rt.request().delete(`/v1/contacts/${c.id}`).set(auth(agency.adminToken))).status, 204);
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i += 1) {
      status = (await rt.request().get(path(res.body.pictureUrl))).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 404);
  });
});
