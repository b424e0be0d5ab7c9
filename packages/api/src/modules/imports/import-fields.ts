/** What an import creates: contacts, leads, customers (accounts, with their tree), opportunities, products and tasks. */
export const importKinds = ['contacts', 'leads', 'customers', 'opportunities', 'products', 'tasks'] as const;
export type ImportKind = (typeof importKinds)[number];

/** The key that finds an existing record: a row whose key matches one is a duplicate. */
export const dedupeKeys = ['email', 'externalId', 'phone', 'code'] as const;
export type DedupeKey = (typeof dedupeKeys)[number];

/**
 * The dedupe keys that find records of a kind: customers have no primary email to find them by; a product is
 * found by its own `code` (the agency's products are few: read together, so hand-made ones are found too).
 */
export const kindDedupeKeys: Record<ImportKind, readonly DedupeKey[]> = { contacts: ['email', 'externalId', 'phone'], leads: ['email', 'externalId', 'phone'], customers: ['externalId', 'phone'], opportunities: ['externalId'], products: ['code'], tasks: ['externalId'] };

/** The record resource and the name in operation ids of each kind. */
export const kindResources = {
  contacts: { resource: 'contact', Kind: 'Contact' },
  leads: { resource: 'lead', Kind: 'Lead' },
  customers: { resource: 'customer', Kind: 'Customer' },
  opportunities: { resource: 'opportunity', Kind: 'Opportunity' },
  products: { resource: 'product', Kind: 'Product' },
  tasks: { resource: 'task', Kind: 'Task' },
} as const satisfies Record<ImportKind, { resource: string; Kind: string }>;

/** The field that holds a kind's owner by email: a task's assignee, every other record's owner (products have none). */
export const ownerFieldOf: Record<ImportKind, 'ownerEmail' | 'assigneeEmail' | null> = { contacts: 'ownerEmail', leads: 'ownerEmail', customers: 'ownerEmail', opportunities: 'ownerEmail', products: null, tasks: 'assigneeEmail' };

/** A task's subject columns: the contact by its primary email, or the account, lead or deal by the external id an import gave it. */
export const taskSubjectFields = { contactEmail: 'contact', customerExternalId: 'customer', leadExternalId: 'lead', opportunityExternalId: 'opportunity' } as const;

/** What happens to a duplicate row: always create, update the existing record, or skip the row. */
export const importModes = ['create', 'update', 'skip'] as const;
export type ImportMode = (typeof importModes)[number];

const shared = ['firstName', 'middleName', 'lastName', 'jobTitle', 'email', 'phone', 'companyName', 'industry', 'website', 'street', 'postalCode', 'city', 'state', 'country', 'tags', 'notes', 'externalId', 'ownerEmail', 'status'] as const;

/** The fields a column may map to, per kind (besides `custom.<key>` for the agency's custom fields). */
export const importFields: Record<ImportKind, readonly string[]> = {
  contacts: [...shared, 'leadSource'],
  leads: [...shared, 'kind', 'source', 'contactList', 'services', 'quality', 'participation', 'employees'],
  customers: ['name', 'legalName', 'industry', 'companyType', 'category', 'rating', 'website', 'email', 'phone', 'street', 'postalCode', 'city', 'state', 'country', 'tags', 'notes', 'externalId', 'ownerEmail', 'status', 'parent'],
  opportunities: ['name', 'description', 'customer', 'amount', 'currency', 'probability', 'stage', 'lostReason', 'expectedCloseDate', 'nextStep', 'nextStepDate', 'leadSource', 'tags', 'externalId', 'ownerEmail'],
  products: ['name', 'code', 'description', 'cycleStart', 'cycleEnd', 'status', 'department'],
  tasks: ['title', 'kind', 'description', 'dueAt', 'assigneeEmail', ...Object.keys(taskSubjectFields), 'status', 'tags', 'externalId'],
};

/** Built-in fields whose cells are numbers or dates, read in the mapping's locale (custom fields go by their type). */
export const numberFields: Record<ImportKind, readonly string[]> = { contacts: [], leads: ['employees'], customers: ['rating'], opportunities: ['amount', 'probability'], products: [], tasks: [] };
/** (A task's `dueAt` is a date or a date-time: read by the task's own row rules, import-kinds.ts.) */
export const dateFields: Record<ImportKind, readonly string[]> = { contacts: [], leads: [], customers: [], opportunities: ['expectedCloseDate', 'nextStepDate'], products: ['cycleStart', 'cycleEnd'], tasks: [] };

/** Header words, English and German, that suggest a field (compared after `normalizeHeader`). */
const synonyms: Record<string, string[]> = {
  firstName: ['firstname', 'first', 'givenname', 'forename', 'vorname', 'rufname'],
  middleName: ['middlename', 'middle', 'zweitervorname', 'weiterevornamen'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'name', 'nachname', 'familienname', 'zuname'],
  jobTitle: ['jobtitle', 'title', 'position', 'role', 'designation', 'berufsbezeichnung', 'funktion', 'titel', 'stelle', 'jobbezeichnung'],
  email: ['email', 'emailaddress', 'mail', 'emailadresse', 'epost', 'mailadresse'],
  phone: ['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'mobilephone', 'cell', 'telefon', 'telefonnummer', 'mobil', 'handy', 'mobilnummer', 'rufnummer'],
  companyName: ['company', 'companyname', 'organisation', 'organization', 'account', 'firma', 'unternehmen', 'firmenname', 'organisationname'],
  industry: ['industry', 'sector', 'branche', 'sektor'],
  website: ['website', 'web', 'url', 'homepage', 'webseite', 'internetseite'],
  street: ['street', 'address', 'addressline1', 'line1', 'strasse', 'adresse', 'anschrift', 'strasseundhausnummer'],
  postalCode: ['postalcode', 'zip', 'zipcode', 'postcode', 'plz', 'postleitzahl'],
  city: ['city', 'town', 'stadt', 'ort', 'wohnort'],
  state: ['state', 'region', 'province', 'bundesland', 'kanton'],
  country: ['country', 'land', 'staat'],
  tags: ['tags', 'labels', 'schlagworte', 'stichworte'],
  notes: ['notes', 'note', 'comment', 'comments', 'notizen', 'notiz', 'bemerkung', 'bemerkungen', 'kommentar'],
  externalId: ['externalid', 'id', 'recordid', 'externeid', 'kundennummer', 'nummer'],
  leadSource: ['leadsource', 'source', 'quelle', 'herkunft'],
  source: ['source', 'leadsource', 'quelle', 'herkunft'],
  contactList: ['contactlist', 'list', 'liste', 'kontaktliste', 'verteiler'],
  services: ['services', 'service', 'interests', 'leistungen', 'dienstleistungen', 'interessen'],
  quality: ['quality', 'rating', 'qualitaet', 'bewertung'],
  participation: ['participation', 'part', 'participationtype', 'teilnahme', 'rolle'],
  kind: ['kind', 'type', 'leadtype', 'art', 'typ'],
  ownerEmail: ['owner', 'owneremail', 'ownermail', 'assignedto', 'assignee', 'salesrep', 'accountowner', 'leadowner', 'contactowner', 'verantwortlich', 'verantwortlicher', 'betreuer', 'kundenbetreuer', 'zustaendig', 'besitzer', 'bearbeiter'],
  status: ['status', 'stage', 'phase', 'leadstatus', 'contactstatus', 'kontaktstatus', 'stufe', 'zustand'],
  name: ['name', 'accountname', 'customername', 'customer', 'account', 'company', 'companyname', 'organisation', 'organization', 'firma', 'firmenname', 'kunde', 'kundenname', 'unternehmen'],
  legalName: ['legalname', 'registeredname', 'firmierung', 'rechtlichername', 'handelsname'],
  companyType: ['companytype', 'accounttype', 'legalform', 'rechtsform', 'unternehmensform', 'kundentyp'],
  category: ['category', 'segment', 'tier', 'kategorie', 'kundenkategorie', 'kundensegment'],
  rating: ['rating', 'score', 'stars', 'bewertung', 'einstufung', 'sterne'],
  parent: ['parent', 'parentaccount', 'parentcompany', 'parentcustomer', 'parentname', 'parentid', 'mutter', 'muttergesellschaft', 'mutterfirma', 'konzern', 'uebergeordnet', 'uebergeordneterkunde', 'hauptkunde'],
  description: ['description', 'details', 'beschreibung'],
  customer: ['customer', 'account', 'accountname', 'customername', 'company', 'kunde', 'kundenname', 'firma', 'unternehmen'],
  amount: ['amount', 'value', 'dealvalue', 'revenue', 'betrag', 'wert', 'volumen', 'umsatz', 'auftragswert'],
  currency: ['currency', 'waehrung'],
  probability: ['probability', 'chance', 'wahrscheinlichkeit', 'abschlusswahrscheinlichkeit'],
  stage: ['stage', 'dealstage', 'salesstage', 'phase', 'verkaufsphase', 'stufe'],
  lostReason: ['lostreason', 'reasonlost', 'verlustgrund', 'grund'],
  expectedCloseDate: ['closedate', 'expectedclosedate', 'expectedclose', 'abschlussdatum', 'erwartetesabschlussdatum'],
  nextStep: ['nextstep', 'naechsterschritt'],
  nextStepDate: ['nextstepdate', 'naechsterschrittam', 'wiedervorlage'],
  cycleStart: ['cyclestart', 'start', 'startdate', 'begin', 'zyklusbeginn', 'zyklusstart', 'beginn', 'startdatum', 'von'],
  cycleEnd: ['cycleend', 'end', 'enddate', 'zyklusende', 'ende', 'enddatum', 'bis'],
  department: ['department', 'departmentname', 'abteilung', 'bereich', 'geschaeftsbereich'],
  title: ['title', 'subject', 'task', 'taskname', 'titel', 'betreff', 'aufgabe'],
  dueAt: ['dueat', 'due', 'duedate', 'deadline', 'faellig', 'faelligam', 'faelligkeit', 'termin', 'datum'],
  assigneeEmail: ['assignee', 'assigneeemail', 'assignedto', 'owner', 'owneremail', 'bearbeiter', 'zustaendig', 'verantwortlich', 'zugewiesenan'],
  contactEmail: ['contactemail', 'contact', 'kontakt', 'kontaktemail', 'email', 'emailadresse'],
  customerExternalId: ['customerexternalid', 'customerid', 'accountid', 'kundennummer', 'kundenid'],
  leadExternalId: ['leadexternalid', 'leadid', 'leadnummer'],
  opportunityExternalId: ['opportunityexternalid', 'opportunityid', 'dealid', 'verkaufschancennummer'],
  employees: ['employees', 'numberofemployees', 'employeecount', 'headcount', 'mitarbeiter', 'mitarbeiterzahl', 'anzahlmitarbeiter', 'beschaeftigte'],
};

/** Where a kind's field goes by other words: an opportunity's name is the deal's, its company the customer. */
const kindSynonyms: Partial<Record<ImportKind, Record<string, string[]>>> = {
  opportunities: { name: ['name', 'opportunity', 'opportunityname', 'deal', 'dealname', 'title', 'titel', 'verkaufschance', 'opportunitaet', 'projekt'] },
  products: {
    name: ['name', 'product', 'productname', 'produkt', 'produktname', 'konferenz', 'conference', 'veranstaltung', 'event', 'bezeichnung'],
    code: ['code', 'productcode', 'sku', 'kuerzel', 'produktcode', 'produktnummer', 'artikelnummer', 'nummer', 'id'],
    status: ['status', 'state', 'zustand', 'aktiv'],
  },
  tasks: {
    kind: ['kind', 'type', 'tasktype', 'art', 'typ', 'aufgabentyp', 'aufgabenart'],
    description: ['description', 'details', 'notes', 'beschreibung', 'notiz', 'notizen', 'bemerkung'],
    externalId: ['externalid', 'id', 'taskid', 'externeid', 'aufgabennummer', 'nummer'],
  },
};

/** A header as compared: lower case, German umlauts spelled out, nothing but letters and digits. */
export function normalizeHeader(header: string): string {
  return header
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[^a-z0-9]/g, '');
}

/**
 * The field each header suggests (null for none): an exact field name or synonym first, then a custom
 * field by key or label; no field is suggested twice (the first column wins).
 */
export function suggestMapping(kind: ImportKind, headers: readonly string[], customFields: ReadonlyArray<{ key: string; label: string }>): Array<string | null> {
  const allowed = new Set(importFields[kind]);
  const taken = new Set<string>();
  return headers.map((header) => {
    const n = normalizeHeader(header);
    const candidates = [
      ...[...allowed].filter((f) => normalizeHeader(f) === n),
      ...Object.entries({ ...synonyms, ...kindSynonyms[kind] })
        .filter(([field, words]) => allowed.has(field) && words.includes(n))
        .map(([field]) => field),
      ...customFields.filter((c) => normalizeHeader(c.key) === n || normalizeHeader(c.label) === n).map((c) => `custom.${c.key}`),
    ];
    const field = candidates.find((c) => !taken.has(c)) ?? null;
    if (field) taken.add(field);
    return field;
  });
}

/** True when `target` is a field this kind may import (a built-in one or `custom.<key>`). */
export function isImportField(kind: ImportKind, target: string): boolean {
  return importFields[kind].includes(target) || /^custom\.[a-z][a-zA-Z0-9_]{0,39}$/.test(target);
}

const list = (value: string) =>
  value
    .split(/[;,]/)
    .map((v) => v.trim())
    .filter(Boolean);

/** The dedupe key of a value as compared: emails in lower case, phones as their digits (and a leading +). */
export function keyValue(key: DedupeKey, value: string | undefined): string | null {
  const v = value?.trim();
  if (!v) return null;
  if (key === 'email' || key === 'code') return v.toLowerCase();
  if (key === 'phone') {
    const digits = v.replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
    return digits.replace(/\D/g, '').length >= 4 ? digits : null;
  }
  return v;
}

/** The mapped cells of a row, by field (empty cells left out). */
export function mappedValues(columns: ReadonlyArray<string | null>, row: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  columns.forEach((field, i) => {
    const cell = row[i]?.trim();
    if (field && cell) values.set(field, cell);
  });
  return values;
}

/**
 * The create body a row stands for, in the shape of the API's create schema for the kind (which then
 * validates it): one primary email, phone and address, the company, lists split on `,` or `;`, and
 * custom fields under `custom`. `defaults` (the import's product, team, tags) apply to every row.
 */
export function rowInput(kind: ImportKind, values: Map<string, string>, defaults: { productId?: string | null; teamId?: string | null; tags?: string[] }): Record<string, unknown> {
  const get = (field: string) => values.get(field);
  const input: Record<string, unknown> = {};
  if (kind === 'products') {
    // Agency-level records: no owner, product, team, tags or custom fields; department and status are the kind's row rules'.
    for (const field of ['name', 'code', 'description', 'cycleStart', 'cycleEnd']) if (get(field)) input[field] = get(field);
    return input;
  }
  if (kind === 'tasks') {
    for (const field of ['title', 'description', 'dueAt']) if (get(field)) input[field] = get(field);
    const kindValue = get('kind');
    input.kind = kindValue ? (taskKindSynonyms[normalizeHeader(kindValue)] ?? kindValue) : 'todo';
  }
  for (const field of ['firstName', 'middleName', 'lastName', 'jobTitle', 'notes']) if (get(field)) input[field] = get(field);
  if (get('email')) input.emails = [{ label: 'work', value: get('email'), primary: true }];
  if (get('phone')) input.phones = [{ label: 'work', value: get('phone'), primary: true }];
  const address = { line1: get('street'), postalCode: get('postalCode'), city: get('city'), state: get('state'), country: get('country') };
  if (Object.values(address).some(Boolean)) input.addresses = [{ label: 'work', primary: true, ...Object.fromEntries(Object.entries(address).filter(([, v]) => v)) }];
  const tags = [...(defaults.tags ?? []), ...list(get('tags') ?? '')];
  if (tags.length) input.tags = [...new Set(tags)];
  if (kind === 'tasks') {
    delete input.emails;
    delete input.phones;
    delete input.addresses;
    delete input.notes;
  } else if (kind === 'opportunities') {
    for (const field of ['name', 'description', 'amount', 'probability', 'stage', 'lostReason', 'expectedCloseDate', 'nextStep', 'nextStepDate', 'leadSource']) if (get(field)) input[field] = get(field);
    if (get('currency')) input.currency = get('currency')!.toUpperCase();
    delete input.emails;
    delete input.phones;
    delete input.addresses;
    delete input.notes;
  } else if (kind === 'customers') {
    for (const field of ['name', 'legalName', 'industry', 'companyType', 'category', 'website', 'rating']) if (get(field)) input[field] = get(field);
    // An account has one address, not a list.
    if (input.addresses) {
      const { label: _l, primary: _p, ...address } = (input.addresses as Array<Record<string, unknown>>)[0]!;
      input.address = address;
      delete input.addresses;
    }
  } else if (kind === 'contacts') {
    const company = { name: get('companyName'), industry: get('industry'), website: get('website') };
    if (Object.values(company).some(Boolean)) input.company = Object.fromEntries(Object.entries(company).filter(([, v]) => v));
    if (get('leadSource')) input.leadSource = get('leadSource');
  } else {
    for (const field of ['companyName', 'industry', 'website', 'source', 'contactList', 'participation', 'employees']) if (get(field)) input[field] = get(field);
    if (get('services')) input.services = list(get('services')!);
    if (get('quality')) input.quality = get('quality')!.toLowerCase();
    const kindValue = get('kind')?.toLowerCase();
    input.kind = kindValue ? (['company', 'firma', 'unternehmen'].includes(kindValue) ? 'company' : ['individual', 'person'].includes(kindValue) ? 'individual' : kindValue) : !get('firstName') && !get('lastName') && get('companyName') ? 'company' : 'individual';
  }
  const custom: Record<string, unknown> = {};
  for (const [field, value] of values) if (field.startsWith('custom.')) custom[field.slice('custom.'.length)] = value;
  if (Object.keys(custom).length) input.custom = custom;
  if (defaults.productId) input.productId = defaults.productId;
  if (defaults.teamId) input.teamId = defaults.teamId;
  return input;
}

/** A product's two states, as the status column may name them (English and German); the first is where a product starts. */
export const productStates: ReadonlyArray<{ key: 'active' | 'disabled'; label: string }> = [
  { key: 'active', label: 'Active' },
  { key: 'disabled', label: 'Disabled' },
  { key: 'active', label: 'aktiv' },
  { key: 'disabled', label: 'inaktiv' },
  { key: 'disabled', label: 'deaktiviert' },
  { key: 'disabled', label: 'inactive' },
];

/** A task's kind as files write it, in English and German (compared as headers are): an empty cell is a to-do. */
export const taskKindSynonyms: Record<string, string> = {
  call: 'call', phone: 'call', phonecall: 'call', anruf: 'call', telefonat: 'call', rueckruf: 'call',
  meeting: 'meeting', appointment: 'meeting', termin: 'meeting', besprechung: 'meeting', treffen: 'meeting',
  followup: 'followUp', wiedervorlage: 'followUp', nachfassen: 'followUp',
  todo: 'todo', task: 'todo', aufgabe: 'todo', erledigen: 'todo',
};

/** A status cell or statusMap value as compared: trimmed, lower case. */
export const statusValueKey = (value: string): string => value.trim().toLowerCase();

/** The mapped field a validation error path of the create body came from (`emails.0.value` → `email`). */
export function fieldOfPath(kind: ImportKind, path: string): string {
  const root = path.split('.')[0]!;
  const byRoot: Record<string, string> = { emails: 'email', phones: 'phone', tags: 'tags', services: 'services', productId: 'productId', teamId: 'teamId', ownerId: 'ownerEmail' };
  if (root === 'address') {
    const leaf = path.split('.')[1] ?? 'street';
    return leaf === 'line1' ? 'street' : leaf;
  }
  if (root === 'parentId') return 'parent';
  if (root === 'customerId') return 'customer';
  if (root === 'departmentId') return 'department';
  if (root === 'assigneeId') return 'assigneeEmail';
  if (root === 'subject') return 'subject';
  if (root === 'addresses') {
    const leaf = path.split('.')[2] ?? 'street';
    return leaf === 'line1' ? 'street' : leaf;
  }
  if (root === 'company') {
    const leaf = path.split('.')[1] ?? 'companyName';
    return leaf === 'name' ? 'companyName' : leaf;
  }
  if (root === 'custom') return path;
  return byRoot[root] ?? (kind === 'leads' || root !== 'companyName' ? root : 'companyName');
}
