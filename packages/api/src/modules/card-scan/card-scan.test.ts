import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Jimp, loadFont } from 'jimp';
import { SANS_32_BLACK, SANS_64_BLACK } from 'jimp/fonts';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import type { CardScan } from './card-scan.schema.js';

/**
 * A business card drawn as a photo would show it: white card, the name large, the rest in a smaller
 * font (jimp's bundled Open Sans bitmaps: no system fonts, no network). 1400 px across, as a phone
 * photo of a card is after cropping.
 */
async function drawCard(name: string, lines: string[], type: 'image/png' | 'image/jpeg'): Promise<Buffer> {
  const [large, small] = await Promise.all([loadFont(SANS_64_BLACK), loadFont(SANS_32_BLACK)]);
  const card = new Jimp({ width: 1400, height: 180 + lines.length * 56, color: 0xffffffff });
  card.print({ font: large, x: 70, y: 50, text: name });
  lines.forEach((text, i) => card.print({ font: small, x: 70, y: 150 + i * 56, text }));
  return type === 'image/png' ? card.getBuffer('image/png') : card.getBuffer('image/jpeg', { quality: 90 });
}

describe('business-card scan', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const scan = (body: Buffer | string, type: string, token = agency.adminToken) =>
    rt.request().post('/v1/contacts/card-scan').set(auth(token)).set('Content-Type', type).send(body);

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { CARD_SCAN_MAX_BYTES: String(1024 * 1024) } });
    agency = await makeAgency(rt);
  });
  after(() => rt.close());

  it('should read an English card (PNG) into a contact draft with the name, title, company, email, phones and website', async (t) => {
    const image = await drawCard('Oliver Bennett', ['Head of Sales', 'Brightwave Media Ltd', '221B Baker Street', 'London NW1 6XE', 'T +44 20 7946 0958', 'M +44 7700 900123', 'oliver.bennett@brightwave.co.uk', 'www.brightwave.co.uk'], 'image/png');
    const res = await scan(image, 'image/png');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const body = res.body as CardScan;
    t.diagnostic(`OCR of the English card: ${body.durationMs} ms (the first scan also starts the worker)`);
    assert.equal(body.contact.firstName, 'Oliver');
    assert.equal(body.contact.lastName, 'Bennett');
    assert.equal(body.contact.jobTitle, 'Head of Sales');
    assert.equal(body.contact.company?.name, 'Brightwave Media Ltd');
    assert.equal(body.contact.company?.website, 'https://www.brightwave.co.uk');
    assert.deepEqual(body.contact.emails, [{ label: 'work', value: 'oliver.bennett@brightwave.co.uk', primary: true }]);
    assert.deepEqual(body.contact.phones, [
      { label: 'work', value: '+44 20 7946 0958', primary: true },
      { label: 'mobile', value: '+44 7700 900123', primary: false },
    ]);
    assert.equal(body.contact.addresses[0]?.postalCode, 'NW1 6XE');
    assert.match(body.text, /Oliver Bennett/);
    assert.deepEqual(body.languages, ['eng', 'deu']);
    assert.ok(body.confidence.emails! > 0.5 && body.confidence.name! > 0.5, JSON.stringify(body.confidence));
  });

  it('should read a German card (JPEG) with Tel, Mobil and Fax, and the draft should create the contact as it is', async (t) => {
    const image = await drawCard('Jana Schmidt', ['Geschäftsführerin', 'Nordlicht Software GmbH', 'Hauptstraße 12', '10115 Berlin', 'Tel. +49 (0)30 1234567', 'Mobil 0171 2345678', 'Fax +49 30 1234568', 'jana.schmidt@nordlicht.de', 'www.nordlicht.de'], 'image/jpeg');
    const res = await scan(image, 'image/jpeg');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const body = res.body as CardScan;
    t.diagnostic(`OCR of the German card: ${body.durationMs} ms`);
    assert.equal(body.contact.firstName, 'Jana');
    assert.equal(body.contact.lastName, 'Schmidt');
    assert.equal(body.contact.jobTitle, 'Geschäftsführerin');
    assert.equal(body.contact.company?.name, 'Nordlicht Software GmbH');
    assert.deepEqual(body.contact.emails.map((e) => e.value), ['jana.schmidt@nordlicht.de']);
    assert.deepEqual(body.contact.phones, [
      { label: 'work', value: '+49 30 1234567', primary: true },
      { label: 'mobile', value: '0171 2345678', primary: false },
      { label: 'fax', value: '+49 30 1234568', primary: false },
    ]);
    assert.deepEqual(body.contact.addresses, [{ label: 'work', line1: 'Hauptstraße 12', postalCode: '10115', city: 'Berlin', primary: true }]);

    const before = await rt.request().get('/v1/contacts').query({ q: 'Schmidt' }).set(auth(agency.adminToken));
    assert.equal(before.body.data.length, 0, 'a scan stores nothing');
    const created = await rt.request().post('/v1/contacts').set(auth(agency.adminToken)).send(body.contact);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.fullName, 'Jana Schmidt');
    assert.equal(created.body.company.website, 'https://www.nordlicht.de');
    assert.equal(created.body.phones.find((p: { primary: boolean }) => p.primary).label, 'work');
  });

  it('should answer 415 naming the image types for a body that is not an image type', async () => {
    const res = await scan('Jana Schmidt', 'text/plain');
    assert.equal(res.status, 415);
    assert.match(res.headers['content-type']!, /application\/problem\+json/);
    assert.equal(res.body.code, 'unsupported_media_type');
    assert.match(res.body.detail, /image\/png, image\/jpeg, image\/webp/);
  });

  it('should answer 400 naming the body for bytes that are not the image they claim, and for an empty body', async () => {
    const res = await scan(Buffer.from('not a picture at all'), 'image/png');
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['body', 'invalid_image']]);
    const empty = await scan(Buffer.alloc(0), 'image/jpeg');
    assert.equal(empty.status, 400);
    assert.equal(empty.body.errors[0].field, 'body');
  });

  it('should answer 400 for a small file that claims a picture of more than 50 megapixels, before the OCR decodes it', async () => {
    // A PNG's signature and its IHDR chunk only: 30,000 x 30,000 pixels claimed in 33 bytes.
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(30_000, 0);
    ihdr.writeUInt32BE(30_000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(13);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), length, Buffer.from('IHDR'), ihdr, Buffer.alloc(4)]);
    const res = await scan(png, 'image/png');
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['body', 'image_too_large']]);
    assert.match(res.body.errors[0].message, /30000 x 30000 pixels/);
  });

  it('should answer 413 for a photo over CARD_SCAN_MAX_BYTES', async () => {
    const res = await scan(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(1024 * 1024)]), 'image/jpeg');
    assert.equal(res.status, 413);
    assert.equal(res.body.code, 'payload_too_large');
  });

  it('should answer 401 without a credential and read nothing', async () => {
    const res = await rt.request().post('/v1/contacts/card-scan').set('Content-Type', 'image/png').send(Buffer.from([0x89]));
    assert.equal(res.status, 401);
  });
});
