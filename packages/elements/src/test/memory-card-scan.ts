// A client for <crm-card-scan>'s stories and tests: the in-memory API (contacts, custom fields, users,
// products for the review form) with `crm.contacts.scanCard` from the real SDK over a `fetch` that
// answers POST /v1/contacts/card-scan as the API does (the OCR itself is tested in packages/api).
import { Contacts, Transport, type CardScan, type FetchLike } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';

/** What the API answered for a German card (jimp-drawn, read by the real OCR in packages/api's test). */
export const germanCardScan: CardScan = {
  contact: {
    firstName: 'Jana',
    lastName: 'Schmidt',
    jobTitle: 'Geschäftsführerin',
    emails: [{ label: 'work', value: 'jana.schmidt@nordlicht.de', primary: true }],
    phones: [
      { label: 'work', value: '+49 30 1234567', primary: true },
      { label: 'mobile', value: '0171 2345678', primary: false },
      { label: 'fax', value: '+49 30 1234568', primary: false },
    ],
    addresses: [{ label: 'work', line1: 'Hauptstraße 12', postalCode: '10115', city: 'Berlin', primary: true }],
    company: { name: 'Nordlicht Software GmbH', website: 'https://www.nordlicht.de' },
  },
  confidence: { name: 0.96, jobTitle: 0.32, company: 0.94, emails: 0.91, phones: 0.95, address: 0.96, website: 0.9 },
  text: 'Jana Schmidt\nGeschéaftsfiihrerin\nNordlicht Software GmbH\nHauptstraße 12\n10115 Berlin\nTel. +49 (0)30 1234567\nMobil 0171 2345678\nFax +49 30 1234568\njana.schmidt@nordlicht.de\nwww.nordlicht.de',
  ocrConfidence: 0.9,
  languages: ['eng', 'deu'],
  durationMs: 640,
};

/** How the scan route answers: a draft, a refusal (415), or never (to show the progress). */
export type CardScanAnswer = CardScan | { status: number; code: string; detail: string } | 'hold';

/** The in-memory API with a scan route answering `answer`; `requests` records each scan's Content-Type and size. */
export function cardScanClient(answer: CardScanAnswer = germanCardScan) {
  const memory = createMemoryApi({ contacts: 3 });
  const requests: Array<{ contentType: string; size: number }> = [];
  const fetch: FetchLike = async (url, init) => {
    const path = new URL(url, 'http://memory.invalid').pathname;
    if (path !== '/v1/contacts/card-scan' || init.method !== 'POST') throw new TypeError(`the scan double answers only the scan route, not ${init.method} ${path}`);
    const body = init.body as Blob;
    requests.push({ contentType: new Headers(init.headers).get('content-type') ?? '', size: body.size });
    if (answer === 'hold') return new Promise<Response>(() => undefined);
    if ('status' in answer) {
      return new Response(JSON.stringify({ type: `urn:crm:problem:${answer.code}`, title: answer.code, ...answer }), { status: answer.status, headers: { 'content-type': 'application/problem+json' } });
    }
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const scanner = new Contacts(new Transport({ baseUrl: '', fetch, retries: 0 }));
  // Every contact call goes to the in-memory API; only the scan goes to the route double.
  const contacts = new Proxy(memory.client.contacts, {
    get: (target, key, receiver) => (key === 'scanCard' ? scanner.scanCard.bind(scanner) : Reflect.get(target, key, receiver)),
  });
  const client = { ...(memory.client as CrmDataClient), contacts } as CrmDataClient;
  return { client, memory, requests };
}

/** A small PNG file as `<input type=file>` gives it (the bytes of a 1×1 image; the double does not read them). */
export function cardPhoto(name = 'card.png'): File {
  const bytes = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
  return new File([bytes], name, { type: 'image/png' });
}
