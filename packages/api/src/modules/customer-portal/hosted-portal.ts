import express, { type Router } from 'express';
import type { Connection } from 'mongoose';
import { readWidgetManifest, defaultWidgetsDir } from '../../platform/http/widget-bundle.js';
import { AppError } from '../../platform/errors.js';
import { tenantModel } from '../identity/tenant.model.js';

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The strictest policy the page can live with: scripts and styles from this origin only (the portal
 * applies its styles as constructed stylesheets in its shadow root), calls to this origin only, and it
 * may not be framed.
 */
export const HOSTED_PORTAL_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * `/portal/{tenant}`: the agency's customer portal hosted by the API, for agencies without a site of
 * their own: a static page that loads the portal from the widgets' versioned, immutable URL (with its
 * SRI hash) under a strict Content-Security-Policy. Emailed sign-in links land here by default.
 */
export function hostedPortalRouter(connection: Connection, widgetsDir: string = defaultWidgetsDir): Router {
  const Tenant = tenantModel(connection);
  const router = express.Router();
  router.get('/:tenant', async (req, res) => {
    const slug = String(req.params.tenant ?? '').toLowerCase();
    if (!/^[a-z0-9-]{1,80}$/.test(slug)) throw new AppError('not_found', 'There is no portal at this address');
    const tenant = await Tenant.findOne({ slug }).select('name slug').setOptions({ crossTenant: 'the hosted portal names its agency by slug' }).lean();
    if (!tenant) throw new AppError('not_found', 'There is no portal at this address');
    const manifest = await readWidgetManifest(widgetsDir);
    const script = 'crm-customer-portal.js';
    if (!manifest?.files[script]) throw new AppError('unavailable', 'The portal is not built: run "npm run build -w @crm/widgets"');
    const base = `/widgets/${encodeURIComponent(manifest.version)}`;
    const name = escapeHtml(tenant.name);
    const css = manifest.files['crm-widgets.css'] ? `<link rel="stylesheet" href="${base}/crm-widgets.css" integrity="${manifest.files['crm-widgets.css']}" crossorigin="anonymous">` : '';
    res
      .status(200)
      .set({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': HOSTED_PORTAL_CSP, 'Cache-Control': 'no-cache', 'Referrer-Policy': 'no-referrer' })
      .send(
        `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name}: customer portal</title>
<link rel="icon" href="data:,">
${css}
<script type="module" src="${base}/${script}" integrity="${manifest.files[script]}" crossorigin="anonymous"></script>
</head>
<body>
<main>
<crm-customer-portal tenant="${escapeHtml(tenant.slug)}"></crm-customer-portal>
</main>
</body>
</html>
`,
      );
  });
  return router;
}
