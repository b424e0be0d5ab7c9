import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for a self-hosted Mailwizz 1.9 API (the part the CRM uses), speaking it as documented:
 * the `X-MW-PUBLIC-KEY` / `X-MW-TIMESTAMP` / `X-MW-SIGNATURE` check (HMAC-SHA1 under the private key), form
 * bodies (`X-HTTP-Method-Override` honoured), `{status, data: {count, total_pages, current_page,
 * next_page, prev_page, records}}` pages, and `{status: "error", error}` answers with 400, 404 and 422.
 * State lives in memory; the methods beyond `url` play the recipients (opens, clicks, bounces,
 * complaints, unsubscribes) so tests and a developer can watch statistics arrive. Used by the tests and
 * by `npm start` in development (see docs/mailwizz.md).
 */
export interface MailwizzStandin {
  /** The API URL to configure in the CRM (ends in /api). */
  url: string;
  publicKey: string;
  privateKey: string;
  lists(): StandinList[];
  subscribers(listUid: string): StandinSubscriber[];
  campaign(uid: string): StandinCampaign | undefined;
  /** Sends a campaign now: every confirmed subscriber of its list is processed and delivered. */
  send(campaignUid: string): void;
  open(campaignUid: string, email: string): void;
  click(campaignUid: string, email: string): void;
  bounce(campaignUid: string, email: string, kind: 'hard' | 'soft'): void;
  complain(campaignUid: string, email: string): void;
  /** The recipient clicks the unsubscribe link of a Mailwizz email. */
  unsubscribe(listUid: string, email: string, campaignUid?: string): void;
  /** How many API requests arrived (and how many by method), for asserting that a sync did nothing. */
  requests: { total: number; writes: number };
  stop(): Promise<void>;
}

export interface StandinList { list_uid: string; name: string; description: string; from_name: string; from_email: string; reply_to: string; opt_in: string }
export interface StandinSubscriber { subscriber_uid: string; EMAIL: string; FNAME: string; LNAME: string; status: 'confirmed' | 'unconfirmed' | 'unsubscribed'; date_added: string; listUid: string }
export interface StandinCampaign {
  campaign_uid: string; name: string; type: string; from_name: string; from_email: string; subject: string; reply_to: string; send_at: string; list_uid: string;
  status: 'draft' | 'pending-sending' | 'sending' | 'sent'; content: string;
  delivered: Set<string>; errors: Set<string>; opens: string[]; clicks: string[]; hard: Set<string>; soft: Set<string>; complaints: Set<string>; unsubscribes: Set<string>;
}

type Fields = Record<string, unknown>;

const uid = () => randomBytes(7).toString('hex').slice(0, 13);
const phpUrlencode = (s: string) => encodeURIComponent(s).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
function buildQuery(fields: Fields, prefix?: string): string {
  return Object.entries(fields)
    .flatMap(([k, v]) => {
      const name = prefix ? `${prefix}[${k}]` : k;
      if (v === null || v === undefined) return [];
      if (typeof v === 'object') return [buildQuery(v as Fields, name)].filter(Boolean);
      return [`${phpUrlencode(name)}=${phpUrlencode(String(v))}`];
    })
    .join('&');
}
/** PHP's parsing of a form body into `$_POST`: `a[b][c]=v` nests. */
function parseForm(text: string): Fields {
  const out: Fields = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const path = rawKey.split(/\[|\]\[|\]$/).filter((p, i) => i === 0 || p !== '');
    let node = out;
    path.forEach((key, i) => {
      if (i === path.length - 1) node[key] = value;
      else node = (node[key] ??= {}) as Fields;
    });
  }
  return out;
}

/** Starts the stand-in on a free local port with one customer key pair (random unless given). */
export async function startMailwizzStandin(options: { port?: number; publicKey?: string; privateKey?: string } = {}): Promise<MailwizzStandin> {
  const publicKey = options.publicKey ?? randomBytes(20).toString('hex');
  const privateKey = options.privateKey ?? randomBytes(20).toString('hex');
  const lists = new Map<string, StandinList>();
  const subscribers = new Map<string, StandinSubscriber>();
  const campaigns = new Map<string, StandinCampaign>();
  const requests = { total: 0, writes: 0 };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, error: unknown) => send(res, status, { status: 'error', error });
  const page = <T>(records: T[], query: URLSearchParams) => {
    const perPage = Math.max(1, Math.min(50, Number(query.get('per_page') ?? 10) || 10));
    const current = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const totalPages = Math.max(1, Math.ceil(records.length / perPage));
    return {
      status: 'success',
      data: { count: String(records.length), total_pages: totalPages, current_page: current, next_page: current < totalPages ? current + 1 : null, prev_page: current > 1 ? current - 1 : null, records: records.slice((current - 1) * perPage, current * perPage) },
    };
  };
  const subscriberOut = (s: StandinSubscriber) => ({ subscriber_uid: s.subscriber_uid, EMAIL: s.EMAIL, FNAME: s.FNAME, LNAME: s.LNAME, status: s.status, source: 'api', ip_address: '', date_added: s.date_added });
  const listOut = (l: StandinList) => ({ general: { list_uid: l.list_uid, name: l.name, display_name: l.name, description: l.description }, defaults: { from_name: l.from_name, from_email: l.from_email, reply_to: l.reply_to, subject: '' } });
  const stats = (c: StandinCampaign) => {
    const count = (n: number) => n;
    const delivered = c.delivered.size;
    const rate = (n: number) => (delivered ? Math.round((n / delivered) * 10000) / 100 : 0);
    const uniqueOpens = new Set(c.opens).size;
    const uniqueClicks = new Set(c.clicks).size;
    const bounces = c.hard.size + c.soft.size;
    return {
      campaign_status: c.status, subscribers_count: count([...subscribers.values()].filter((s) => s.listUid === c.list_uid && s.status === 'confirmed').length), processed_count: c.delivered.size + c.errors.size,
      delivery_success_count: delivered, delivery_success_rate: rate(delivered), delivery_error_count: c.errors.size, delivery_error_rate: rate(c.errors.size),
      opens_count: c.opens.length, opens_rate: rate(c.opens.length), unique_opens_count: uniqueOpens, unique_opens_rate: rate(uniqueOpens),
      clicks_count: c.clicks.length, clicks_rate: rate(c.clicks.length), unique_clicks_count: uniqueClicks, unique_clicks_rate: rate(uniqueClicks),
      unsubscribes_count: c.unsubscribes.size, unsubscribes_rate: rate(c.unsubscribes.size), complaints_count: c.complaints.size, complaints_rate: rate(c.complaints.size),
      bounces_count: bounces, bounces_rate: rate(bounces), hard_bounces_count: c.hard.size, hard_bounces_rate: rate(c.hard.size), soft_bounces_count: c.soft.size, soft_bounces_rate: rate(c.soft.size), internal_bounces_count: 0, internal_bounces_rate: 0,
    };
  };

  function verify(req: IncomingMessage, method: string, form: Fields, host: string): string | null {
    const key = req.headers['x-mw-public-key'];
    const timestamp = req.headers['x-mw-timestamp'];
    const signature = req.headers['x-mw-signature'];
    if (typeof key !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string' || !key || !timestamp || !signature) return 'Invalid API request params. Please refer to the documentation.';
    if (key !== publicKey) return 'Invalid API key. Please refer to the documentation.';
    const url = `http://${host}${req.url}`;
    const special = { 'X-MW-PUBLIC-KEY': key, 'X-MW-TIMESTAMP': timestamp, 'X-MW-REMOTE-ADDR': String(req.headers['x-mw-remote-addr'] ?? '') };
    const params: Fields = { ...special, ...form };
    const sorted = Object.fromEntries(Object.keys(params).sort().map((k) => [k, params[k]]));
    const expected = createHmac('sha1', privateKey).update(`${method} ${url}${url.includes('?') ? '&' : '?'}${buildQuery(sorted)}`).digest('hex');
    const a = Buffer.from(expected);
    const b = Buffer.from(signature);
    return a.length === b.length && timingSafeEqual(a, b) ? null : 'Invalid API request signature. Please refer to the documentation.';
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    requests.total++;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const override = req.headers['x-http-method-override'];
    const method = (typeof override === 'string' ? override : req.method ?? 'GET').toUpperCase();
    if (method !== 'GET') requests.writes++;
    const form = method === 'GET' ? {} : parseForm(Buffer.concat(chunks).toString('utf8'));
    const host = req.headers.host ?? 'localhost';
    const url = new URL(req.url ?? '/', `http://${host}`);
    const problem = verify(req, method, form, host);
    if (problem) return fail(res, 400, problem);
    const parts = url.pathname.replace(/^\/api\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
    const q = url.searchParams;

    // /lists
    if (parts[0] === 'lists') {
      if (parts.length === 1 && method === 'GET') return send(res, 200, page([...lists.values()].map(listOut), q));
      if (parts.length === 1 && method === 'POST') {
        const general = (form.general ?? {}) as Fields;
        const defaults = (form.defaults ?? {}) as Fields;
        const errors: Fields = {};
        if (!general.name) errors.general = { ...(errors.general as Fields), name: 'Name cannot be blank.' };
        if (!general.description) errors.general = { ...(errors.general as Fields), description: 'Description cannot be blank.' };
        for (const f of ['from_name', 'from_email', 'reply_to']) if (!defaults[f]) errors.defaults = { ...(errors.defaults as Fields), [f]: `${f} cannot be blank.` };
        if (Object.keys(errors).length) return fail(res, 422, errors);
        const list: StandinList = { list_uid: uid(), name: String(general.name), description: String(general.description), from_name: String(defaults.from_name), from_email: String(defaults.from_email), reply_to: String(defaults.reply_to), opt_in: String(general.opt_in ?? 'double') };
        lists.set(list.list_uid, list);
        return send(res, 201, { status: 'success', list_uid: list.list_uid });
      }
      const list = lists.get(parts[1] ?? '');
      if (!list) return fail(res, 404, 'The subscribers list does not exist.');
      if (parts.length === 2 && method === 'GET') return send(res, 200, { status: 'success', data: { record: listOut(list) } });
      if (parts[2] === 'subscribers') {
        const members = [...subscribers.values()].filter((s) => s.listUid === list.list_uid);
        if (parts.length === 3 && method === 'GET') return send(res, 200, page(members.map(subscriberOut), q));
        if (parts[3] === 'search-by-email' && method === 'GET') {
          const found = members.find((s) => s.EMAIL.toLowerCase() === (q.get('EMAIL') ?? '').toLowerCase());
          return found ? send(res, 200, { status: 'success', data: { subscriber_uid: found.subscriber_uid, status: found.status, date_added: found.date_added } }) : fail(res, 404, 'The subscriber does not exist in this list.');
        }
        if (parts.length === 3 && method === 'POST') {
          const email = String(form.EMAIL ?? '');
          if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return fail(res, 422, { EMAIL: email ? 'Email is not a valid email address.' : 'Email cannot be blank.' });
          if (members.some((s) => s.EMAIL.toLowerCase() === email.toLowerCase())) return fail(res, 409, 'The subscriber already exists in this list.');
          const s: StandinSubscriber = { subscriber_uid: uid(), EMAIL: email, FNAME: String(form.FNAME ?? ''), LNAME: String(form.LNAME ?? ''), status: list.opt_in === 'single' ? 'confirmed' : 'unconfirmed', date_added: new Date().toISOString().replace('T', ' ').slice(0, 19), listUid: list.list_uid };
          subscribers.set(s.subscriber_uid, s);
          return send(res, 201, { status: 'success', data: { record: { subscriber_uid: s.subscriber_uid, email: s.EMAIL, ip_address: '', source: 'api', date_added: s.date_added } } });
        }
        const s = subscribers.get(parts[3] ?? '');
        if (!s || s.listUid !== list.list_uid) return fail(res, 404, 'The subscriber does not exist in this list.');
        if (parts.length === 4 && method === 'GET') return send(res, 200, { status: 'success', data: { record: subscriberOut(s) } });
        if (parts.length === 4 && method === 'PUT') {
          if (form.EMAIL !== undefined) s.EMAIL = String(form.EMAIL);
          if (form.FNAME !== undefined) s.FNAME = String(form.FNAME);
          if (form.LNAME !== undefined) s.LNAME = String(form.LNAME);
          return send(res, 200, { status: 'success', data: { record: subscriberOut(s) } });
        }
        if (parts[4] === 'unsubscribe' && method === 'PUT') {
          s.status = 'unsubscribed';
          return send(res, 200, { status: 'success' });
        }
        if (parts.length === 4 && method === 'DELETE') {
          subscribers.delete(s.subscriber_uid);
          return send(res, 200, { status: 'success' });
        }
      }
    }
    // /campaigns
    if (parts[0] === 'campaigns') {
      if (parts.length === 1 && method === 'GET') return send(res, 200, page([...campaigns.values()].map((c) => ({ campaign_uid: c.campaign_uid, name: c.name, status: c.status })), q));
      if (parts.length === 1 && method === 'POST') {
        const c = (form.campaign ?? {}) as Fields;
        const template = (c.template ?? {}) as Fields;
        const errors: Fields = {};
        for (const f of ['name', 'from_name', 'from_email', 'subject', 'reply_to', 'send_at', 'list_uid']) if (!c[f]) errors[f] = `${f} cannot be blank.`;
        if (c.list_uid && !lists.has(String(c.list_uid))) errors.list_uid = 'Provided list does not exist.';
        if (!template.content && !template.template_uid && !template.archive) errors.template = 'Please provide a template for your campaign.';
        if (c.send_at && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(String(c.send_at))) errors.send_at = 'Send at is not a valid date (Y-m-d H:i:s).';
        if (Object.keys(errors).length) return fail(res, 422, errors);
        const campaign: StandinCampaign = {
          campaign_uid: uid(), name: String(c.name), type: String(c.type ?? 'regular'), from_name: String(c.from_name), from_email: String(c.from_email), subject: String(c.subject), reply_to: String(c.reply_to), send_at: String(c.send_at), list_uid: String(c.list_uid),
          status: 'pending-sending', content: template.content ? Buffer.from(String(template.content), 'base64').toString('utf8') : '',
          delivered: new Set(), errors: new Set(), opens: [], clicks: [], hard: new Set(), soft: new Set(), complaints: new Set(), unsubscribes: new Set(),
        };
        campaigns.set(campaign.campaign_uid, campaign);
        return send(res, 201, { status: 'success', campaign_uid: campaign.campaign_uid });
      }
      const c = campaigns.get(parts[1] ?? '');
      if (!c) return fail(res, 404, 'The campaign does not exist.');
      if (parts.length === 2 && method === 'GET') return send(res, 200, { status: 'success', data: { record: { campaign_uid: c.campaign_uid, name: c.name, type: c.type, from_name: c.from_name, from_email: c.from_email, reply_to: c.reply_to, subject: c.subject, status: c.status, date_added: c.send_at, send_at: c.send_at, list: { list_uid: c.list_uid } } } });
      if (parts[2] === 'stats' && method === 'GET') return send(res, 200, { status: 'success', data: stats(c) });
    }
    return fail(res, 404, 'The requested page does not exist.');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => fail(res, 500, (error as Error).message));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const campaignOf = (uidValue: string) => {
    const c = campaigns.get(uidValue);
    if (!c) throw new Error(`no campaign ${uidValue}`);
    return c;
  };
  const byEmail = (listUid: string, email: string) => [...subscribers.values()].find((s) => s.listUid === listUid && s.EMAIL.toLowerCase() === email.toLowerCase());

  return {
    url: `http://127.0.0.1:${port}/api`,
    publicKey,
    privateKey,
    requests,
    lists: () => [...lists.values()],
    subscribers: (listUid) => [...subscribers.values()].filter((s) => s.listUid === listUid),
    campaign: (u) => campaigns.get(u),
    send(campaignUid) {
      const c = campaignOf(campaignUid);
      for (const s of subscribers.values()) if (s.listUid === c.list_uid && s.status === 'confirmed') c.delivered.add(s.EMAIL.toLowerCase());
      c.status = 'sent';
    },
    open: (u, email) => void campaignOf(u).opens.push(email.toLowerCase()),
    click: (u, email) => void campaignOf(u).clicks.push(email.toLowerCase()),
    bounce(u, email, kind) {
      const c = campaignOf(u);
      c.delivered.delete(email.toLowerCase());
      c.errors.add(email.toLowerCase());
      (kind === 'hard' ? c.hard : c.soft).add(email.toLowerCase());
    },
    complain: (u, email) => void campaignOf(u).complaints.add(email.toLowerCase()),
    unsubscribe(listUid, email, campaignUid) {
      const s = byEmail(listUid, email);
      if (!s) throw new Error(`${email} is not on list ${listUid}`);
      s.status = 'unsubscribed';
      if (campaignUid) campaignOf(campaignUid).unsubscribes.add(email.toLowerCase());
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
