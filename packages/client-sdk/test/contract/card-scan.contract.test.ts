// crm.contacts.scanCard against the real API: a photo's bytes in, a draft out, nothing stored; what the
// API refuses arrives as its problem. (The OCR of real card images is tested in packages/api.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { CrmApiError, CrmValidationError } from '../../src/core/errors.js';
import { useLiveApi } from '../support/live-api.js';

const live = useLiveApi(import.meta.filename);

/** A blank white PNG, `size` pixels square, built byte by byte (signature, IHDR, IDAT, IEND). */
function blankPng(size: number): Uint8Array {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = table[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    Buffer.concat([Buffer.from(type, 'latin1'), data]).copy(out, 4);
    out.writeUInt32BE(crc(Buffer.concat([Buffer.from(type, 'latin1'), data])), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: size }, () => Buffer.from([0, ...new Array<number>(size).fill(255)])));
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]));
}

describe('crm.contacts.scanCard', () => {
  it('should send bytes with the image type read from them and answer the draft, storing nothing', async () => {
    const scan = await live.crm.contacts.scanCard(blankPng(64));
    assert.deepEqual(scan.contact, { emails: [], phones: [], addresses: [] }, 'a blank card gives nothing');
    assert.equal(scan.confidence.name, null);
    assert.deepEqual(scan.languages, ['eng', 'deu']);
    assert.equal((await live.crm.contacts.list({ limit: 10 })).data.length, 0);
  });

  it("should surface the API's refusals: a type it does not take, and bytes that are not the image they claim", async () => {
    const text = await live.crm.contacts.scanCard(new Blob(['Ada Lovelace'], { type: 'text/plain' })).catch((error: unknown) => error);
    assert.ok(text instanceof CrmApiError);
    assert.equal(text.status, 415);
    assert.equal(text.code, 'unsupported_media_type');
    const fake = await live.crm.contacts.scanCard(new Blob(['not a png'], { type: 'image/png' })).catch((error: unknown) => error);
    assert.ok(fake instanceof CrmValidationError);
    assert.equal(fake.errors[0]?.field, 'body');
  });
});
