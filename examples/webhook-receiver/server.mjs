// A CRM webhook receiver: checks the signature with the SDK's helper, refuses old timestamps, and
// handles each event once (deliveries and replays of one event share its Crm-Event-Id).
import { createServer } from 'node:http';
import { verifyWebhookSignature } from '@crm/client-sdk';

const secrets = (process.env.CRM_WEBHOOK_SECRET ?? '').split(',').map((s) => s.trim()).filter(Boolean);
if (!secrets.length) {
  console.error('Set CRM_WEBHOOK_SECRET to the whsec_... secret the CRM showed when you created the subscription');
  process.exit(1);
}
const toleranceSec = Number(process.env.TOLERANCE_SEC ?? 300);
const maxBytes = 1024 * 1024;

// Event ids already handled. A real integration keeps these in its database (a unique key on the event
// id), so a restart does not handle an event twice; memory keeps the example small.
const seen = new Set();
const remember = (id) => {
  seen.add(id);
  if (seen.size > 100_000) seen.delete(seen.values().next().value);
};

/** What the integration does with an event: here, print it as one JSON line. */
function handle(event, headers) {
  console.log(JSON.stringify({ handled: event.id, type: event.type, deliveryId: headers['crm-delivery-id'], resourceId: event.resourceId }));
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') return res.writeHead(405, { Allow: 'POST' }).end();
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > maxBytes) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', async () => {
    // Verify the raw bytes as received: re-serialized JSON would not match the signature.
    const raw = Buffer.concat(chunks);
    const header = req.headers['crm-signature'];
    let check = { ok: false, reason: 'no_matching_signature' };
    for (const secret of secrets) {
      check = await verifyWebhookSignature(secret, header, new Uint8Array(raw), toleranceSec);
      if (check.ok || check.reason !== 'no_matching_signature') break;
    }
    if (!check.ok) {
      console.log(JSON.stringify({ rejected: req.headers['crm-delivery-id'] ?? null, reason: check.reason }));
      return res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: check.reason }));
    }
    const event = JSON.parse(raw.toString('utf8'));
    const eventId = req.headers['crm-event-id'];
    if (eventId !== event.id) return res.writeHead(400).end('Crm-Event-Id does not match the body');
    if (seen.has(event.id)) {
      console.log(JSON.stringify({ duplicate: event.id, deliveryId: req.headers['crm-delivery-id'] }));
      return res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"duplicate":true}');
    }
    remember(event.id);
    handle(event, req.headers);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}');
  });
});

server.listen(Number(process.env.PORT ?? 4000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(JSON.stringify({ listening: `http://${address}:${port}/` }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
