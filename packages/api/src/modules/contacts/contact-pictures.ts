import { createHash, randomBytes } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { assertWritable } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { bytesOf } from '../../platform/db/binary.js';
import { op } from '../../platform/db/operators.js';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import { AppError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { clientOf } from '../../platform/records/record-routes.js';
import { contactSchema } from './contact.schema.js';
import type { ContactsService } from './contacts.service.js';

/** A contact's picture may be at most this large (an avatar, not a photo library). */
export const MAX_PICTURE_BYTES = 1024 * 1024;

/**
 * The image types a picture may be, each recognised by its first bytes, never by the name or the
 * Content-Type a client claims (SVG is not among them: it can carry script).
 */
const imageTypes: Array<{ type: string; matches: (b: Buffer) => boolean }> = [
  { type: 'image/png', matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', matches: (b) => /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')) },
  { type: 'image/webp', matches: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
];

/** The stored bytes of one picture. `_id` is 128 random bits: its URL is the capability to see it. */
interface ContactPicture {
  _id: string;
  tenantId: Types.ObjectId;
  contactId: Types.ObjectId;
  contentType: string;
  size: number;
  sha256: string;
  data: Buffer;
  createdAt: Date;
}

const pictureSchema = new Schema<ContactPicture>(
  {
    _id: { type: String, required: true },
    contactId: { type: Schema.Types.ObjectId, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    data: { type: Buffer, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
pictureSchema.plugin(tenantScoped);
pictureSchema.index({ tenantId: 1, contactId: 1 });

function pictureModel(connection: Connection): Model<ContactPicture> {
  return (connection.models.ContactPicture as Model<ContactPicture> | undefined) ?? connection.model<ContactPicture>('ContactPicture', pictureSchema, 'contact_pictures');
}

/**
 * Contact pictures (000: a contact's picture): uploaded as image bytes, stored in the database, and
 * served at an unguessable URL that `pictureUrl` points to, so an `<img>` in any host page shows it
 * without credentials (the way mail and chat products serve avatars). A new upload or a removal
 * forgets the old bytes, and so does deleting the contact.
 */
export function createContactPictures(deps: { connection: Connection; contacts: ContactsService; events: EventBus; publicBase: string }) {
  const Pictures = pictureModel(deps.connection);
  const forget = (tenantId: Types.ObjectId, contactId: Types.ObjectId, keep?: string) =>
    Pictures.deleteMany({ tenantId, contactId, ...(keep ? { _id: op({ $ne: keep }) } : {}) } as never);

  deps.events.subscribe('contact.deleted', async (event) => {
    if (event.resourceId) await forget(event.tenantId, new Types.ObjectId(event.resourceId));
  });

  return {
    async upload(principal: Principal, contactId: string, data: Buffer, client: ReturnType<typeof clientOf>) {
      const contact = await deps.contacts.findVisible(principal, contactId, 'update');
      assertWritable(principal, contact);
      if (!data.length) throw AppError.invalidField('body', 'is empty; send the image bytes as the request body');
      if (data.length > MAX_PICTURE_BYTES) throw new AppError('payload_too_large', `A picture may be at most ${MAX_PICTURE_BYTES / 1024} KB`);
      const kind = imageTypes.find((t) => t.matches(data));
      if (!kind) throw new AppError('unsupported_media_type', `A picture must be a PNG, JPEG, GIF or WebP image (${imageTypes.map((t) => t.type).join(', ')})`);
      const _id = randomBytes(16).toString('hex');
      await Pictures.create({ _id, tenantId: principal.tenantId, contactId: contact._id, contentType: kind.type, size: data.length, sha256: createHash('sha256').update(data).digest('hex'), data });
      let updated;
      try {
        updated = await deps.contacts.update(principal, contactId, { pictureUrl: `${deps.publicBase}/v1/contact-pictures/${_id}` }, { client });
      } catch (error) {
        await Pictures.deleteOne({ tenantId: principal.tenantId, _id } as never);
        throw error;
      }
      await forget(principal.tenantId, contact._id, _id);
      return updated;
    },

    async remove(principal: Principal, contactId: string, client: ReturnType<typeof clientOf>) {
      const contact = await deps.contacts.findVisible(principal, contactId, 'update');
      assertWritable(principal, contact);
      const updated = contact.pictureUrl ? await deps.contacts.update(principal, contactId, { pictureUrl: null }, { client }) : deps.contacts.definition.toDto(contact);
      await forget(principal.tenantId, contact._id);
      return updated;
    },

    /** The bytes behind a picture URL (by `_id` alone: one row on every engine). */
    async get(pictureId: string) {
      const picture = await Pictures.findOne({ _id: pictureId } as never).setOptions({ crossTenant: 'a picture URL is its own capability' }).lean();
      if (!picture) throw AppError.notFound('Picture');
      return { contentType: picture.contentType, sha256: picture.sha256, data: bytesOf(picture.data) };
    },
  };
}

export type ContactPictures = ReturnType<typeof createContactPictures>;

const pictureParams = z.object({ pictureId: z.string().regex(/^[0-9a-f]{32}$/, 'is not a picture id') });

export function contactPictureRoutes(pictures: ContactPictures, limits: { view: RequestHandler }): RouteSpec[] {
  const tags = ['Contacts'];
  return [
    defineRoute({
      method: 'put',
      path: '/contacts/{id}/picture',
      operationId: 'uploadContactPicture',
      summary: "Upload a contact's picture",
      description: `Send the image's raw bytes as the body (PNG, JPEG, GIF or WebP, recognised by its content; at most ${MAX_PICTURE_BYTES / 1024} KB). The picture replaces the previous one and the contact's \`pictureUrl\` points to it: a URL that shows the image without credentials, so an \`<img>\` can use it.`,
      tags,
      access: access.permission('contact', 'update'),
      params: idParams,
      before: [express.raw({ type: () => true, limit: MAX_PICTURE_BYTES })],
      success: { status: 200, description: 'The contact, with its new pictureUrl', schema: contactSchema },
      errors: [403, 413, 415],
      handler: ({ params, req }) => {
        if (!Buffer.isBuffer(req.body)) throw AppError.invalidField('body', 'is empty; send the image bytes as the request body (any Content-Type but JSON)');
        return pictures.upload(req.principal!, params.id, req.body, clientOf(req));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/contacts/{id}/picture',
      operationId: 'deleteContactPicture',
      summary: "Remove a contact's picture",
      tags,
      access: access.permission('contact', 'update'),
      params: idParams,
      success: { status: 200, description: 'The contact, without a picture', schema: contactSchema },
      errors: [403],
      handler: ({ params, req }) => pictures.remove(req.principal!, params.id, clientOf(req)),
    }),
    defineRoute({
      method: 'get',
      path: '/contact-pictures/{pictureId}',
      operationId: 'getContactPicture',
      summary: 'A contact picture',
      description: 'The image behind a contact\'s `pictureUrl`. Needs no credentials (the URL is unguessable and changes with every upload); served as an image only, cacheable for a year, embeddable from any origin.',
      tags,
      access: access.public,
      before: [limits.view],
      params: pictureParams,
      success: { status: 200, description: 'The image (PNG, JPEG or WebP)', mediaType: 'image/*' },
      handler: async ({ params, res }) => {
        const picture = await pictures.get(params.pictureId);
        res
          .status(200)
          .set({
            'Content-Type': picture.contentType,
            'X-Content-Type-Options': 'nosniff',
            'Content-Security-Policy': "default-src 'none'; sandbox",
            'Cross-Origin-Resource-Policy': 'cross-origin',
            'Access-Control-Allow-Origin': '*',
            'Cache-Control': 'public, max-age=31536000, immutable',
            ETag: `"${picture.sha256}"`,
          })
          .send(picture.data);
      },
    }),
  ];
}
