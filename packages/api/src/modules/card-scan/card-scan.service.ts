import type { Readable } from 'node:stream';
import { imageSize } from 'image-size';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import { OCR_LANGUAGES, type CardOcr } from './card-ocr.js';
import { parseCard } from './card-parser.js';
import { cardImageTypes, type CardScan } from './card-scan.schema.js';

/** Each image type by its first bytes: the bytes decide, not the Content-Type a client claims. */
const signatures: Record<(typeof cardImageTypes)[number], (b: Buffer) => boolean> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

/**
 * The most pixels a photo may have: a 48-megapixel phone camera's photo and some room. A small file may
 * claim a huge picture (a PNG of one colour compresses to almost nothing), and the OCR worker would
 * decode all of it into memory: the header is read first (image-size), and more is refused.
 */
export const MAX_CARD_PIXELS = 50_000_000;

/** Reads at most `maxBytes` of a request body; one byte more answers 413 without reading the rest. */
async function readImage(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new AppError('payload_too_large', `A card photo may be at most ${Math.round(maxBytes / 1024 / 1024)} MB; send a smaller one (a card needs about 1500 px across)`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Business-card scans (issue 20): a photo in, a contact draft out. Nothing is stored: the person reviews
 * the draft and saves it with the normal contact create (which checks, audits and notifies as usual).
 */
export function createCardScanService(deps: { ocr: CardOcr; maxBytes: number }) {
  return {
    async scan(principal: Principal, input: { contentType: string; contentLength: number | null; body: Readable }): Promise<CardScan> {
      assertCan(principal, 'contact', 'create');
      const type = input.contentType.split(';')[0]!.trim().toLowerCase();
      if (!(cardImageTypes as readonly string[]).includes(type)) {
        throw new AppError('unsupported_media_type', `Send the photo's bytes as the body with Content-Type ${cardImageTypes.join(', ')}, not ${type || 'no Content-Type'}`);
      }
      if (input.contentLength !== null && input.contentLength > deps.maxBytes) {
        throw new AppError('payload_too_large', `A card photo may be at most ${Math.round(deps.maxBytes / 1024 / 1024)} MB; send a smaller one (a card needs about 1500 px across)`);
      }
      const image = await readImage(input.body, deps.maxBytes);
      if (!image.length) throw AppError.invalidField('body', 'is empty; send the photo of the card as the request body');
      const kind = (Object.keys(signatures) as Array<keyof typeof signatures>).find((t) => signatures[t](image));
      if (!kind) throw AppError.invalidField('body', `is not a PNG, JPEG or WebP image (its first bytes are none of them); Content-Type said ${type}`, 'invalid_image');
      let size: { width?: number; height?: number } = {};
      try {
        size = imageSize(image);
      } catch {
        // An unreadable header: below, as a picture without a size.
      }
      if (!size.width || !size.height) throw AppError.invalidField('body', `is a ${kind} whose size cannot be read (a damaged file?)`, 'invalid_image');
      if (size.width * size.height > MAX_CARD_PIXELS) {
        throw AppError.invalidField('body', `is ${size.width} x ${size.height} pixels; a card photo may have at most ${MAX_CARD_PIXELS / 1_000_000} megapixels (about 1500 px across is enough)`, 'image_too_large');
      }
      let ocr;
      try {
        ocr = await deps.ocr.recognize(image);
      } catch (error) {
        if (error instanceof AppError) throw error;
        // Tesseract refuses an image it cannot decode (a truncated file) with a plain message.
        throw AppError.invalidField('body', `could not be read as an image (${String(error instanceof Error ? error.message : error).slice(0, 120)})`, 'invalid_image');
      }
      const reading = parseCard(ocr.lines);
      return { contact: reading.contact, confidence: reading.confidence, text: ocr.text, ocrConfidence: Math.round(ocr.confidence * 100) / 100, languages: [...OCR_LANGUAGES], durationMs: ocr.ms };
    },
  };
}

export type CardScanService = ReturnType<typeof createCardScanService>;
