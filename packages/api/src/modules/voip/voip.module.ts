import type { RequestHandler } from 'express';
import { publicBaseUrl } from '../../platform/config.js';
import type { AppContext } from '../../platform/context.js';
import { createSecretBox, resolveEncryptionKey } from '../../platform/crypto/secret-box.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { voipRoutes } from './voip.routes.js';
import { createVoipService, type VoipDeps } from './voip.service.js';

/** Yealink VOIP (issue 22, item 3), wired: the service with the one ENCRYPTION_KEY's box and the public event route's rate limit. */
export function voipModule(ctx: AppContext, deps: Pick<VoipDeps, 'activities' | 'findSubject'> & { eventsLimit: RequestHandler }): { routes: RouteSpec[]; service: ReturnType<typeof createVoipService> } {
  const service = createVoipService({ connection: ctx.connection, box: createSecretBox(resolveEncryptionKey(ctx.config)), publicBase: publicBaseUrl(ctx.config), ...deps });
  return { routes: voipRoutes(service, { events: deps.eventsLimit }), service };
}
