import type { RequestHandler } from 'express';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { cardImageTypes, cardScanSchema } from './card-scan.schema.js';
import type { CardScanService } from './card-scan.service.js';

/** The business-card scan route: a photo in, a contact draft out (nothing stored). */
export function cardScanRoutes(service: CardScanService, options: { maxBytes: number; limit: RequestHandler }): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/contacts/card-scan',
      operationId: 'scanContactCard',
      summary: 'Read a business card into a contact draft',
      description: `Send a photo of a business card as the raw body (${cardImageTypes.join(', ')}, recognised by its content; at most ${Math.round(options.maxBytes / 1024 / 1024)} MB). The text is recognised on the server (Tesseract, English and German) and read into the fields of a contact create body: name, job title, company and website, emails, phones (labelled work, mobile or fax; a fax is never the primary one) and address, each with a confidence. Nothing is stored: review the draft, then create the contact with \`POST /v1/contacts\`. For whoever may create contacts; a scan takes a few seconds, scans take turns per server (429 with Retry-After when too many wait) and are limited per client address per minute.`,
      tags: ['Contacts'],
      access: access.permission('contact', 'create'),
      before: [options.limit],
      success: { status: 200, description: 'The draft, the recognised text and the confidence of each field', schema: cardScanSchema },
      errors: [403, 413, 415],
      idempotency: false,
      handler: ({ req }) => {
        const length = Number(req.headers['content-length']);
        return service.scan(req.principal!, { contentType: String(req.headers['content-type'] ?? ''), contentLength: Number.isFinite(length) ? length : null, body: req });
      },
    }),
  ];
}
