import type { Types } from 'mongoose';
import type { AppContext } from '../../../platform/context.js';
import { createSecretBox, resolveEncryptionKey } from '../../../platform/crypto/secret-box.js';
import { createTransportPool } from '../../../platform/mail/transports.js';
import { createMailSettingsService } from '../../../modules/mail-settings/mail-settings.service.js';
import { buildInvoicing } from '../invoicing.module.js';

/**
 * The invoicing of an app context as the API wires it (the agency's mail settings, its SMTP secrets
 * decrypted with the context's key, the branding stored by quote settings), for the jobs' tests and the
 * dunning worker process. Routes that price lines are not served from it (no price books, no caller).
 */
export function invoicingFor(ctx: AppContext, leaseMs: number) {
  const transports = createTransportPool(ctx.config, ctx.logger);
  ctx.connection.once('close', () => transports.close());
  const mailSettings = createMailSettingsService({ connection: ctx.connection, box: createSecretBox(resolveEncryptionKey(ctx.config)), transports });
  const quoteSettings = ctx.connection.collection<{ tenantId: Types.ObjectId; scope: string; companyName?: string | null; accentColor?: string | null }>('quoteSettings');
  const invoicing = buildInvoicing({
    connection: ctx.connection,
    priceBooks: undefined as never,
    account: () => Promise.reject(new Error('not served here')),
    mailSettings,
    branding: async (tenantId) => {
      const stored = await quoteSettings.findOne({ tenantId, scope: 'quote' });
      return { companyName: stored?.companyName ?? '', accentColor: stored?.accentColor ?? '#1f4e79' };
    },
    leaseMs,
    production: false,
  });
  return { ...invoicing, close: () => invoicing.mail.stop() };
}
