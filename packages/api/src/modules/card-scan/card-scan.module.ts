import type { AppContext } from '../../platform/context.js';
import { createRateLimiter } from '../../platform/http/rate-limit.js';
import { createCardOcr } from './card-ocr.js';
import { cardScanRoutes } from './card-scan.routes.js';
import { createCardScanService } from './card-scan.service.js';

/** Business-card scans (issue 20 item 6), wired: one OCR worker per process, released when the runtime closes. */
export function cardScanModule(ctx: AppContext) {
  const { config } = ctx;
  const ocr = createCardOcr({ dataDir: config.DATA_DIR, maxWaiting: config.CARD_SCAN_QUEUE, idleMs: config.CARD_SCAN_IDLE_MS, log: (message) => ctx.logger.info(message) });
  ctx.onClose?.(() => ocr.close());
  const service = createCardScanService({ ocr, maxBytes: config.CARD_SCAN_MAX_BYTES });
  // Counted per client address before the body is read; the guard's per-caller budgets apply as on every route.
  const limit = createRateLimiter({ name: 'card-scan', windowMs: 60_000, limit: config.CARD_SCAN_PER_MINUTE, key: (req) => req.ip ?? 'unknown', redisUrl: config.REDIS_URL });
  return { service, ocr, routes: cardScanRoutes(service, { maxBytes: config.CARD_SCAN_MAX_BYTES, limit }) };
}
