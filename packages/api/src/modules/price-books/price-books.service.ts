import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import { adjustPrice, isCurrency, parseScaled } from '../../platform/money/money.js';
import { iso } from '../../platform/records/dto.js';
import { writeNextVersion, writeStoredVersion } from '../../platform/records/version-claims.js';
import { priceBookModel, type PriceBook, type PriceBookService } from './price-book.model.js';

/** The public shape of a price book. */
export function toPriceBookDto(b: PriceBook) {
  const day = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : null);
  return {
    id: String(b._id),
    name: b.name,
    description: b.description ?? null,
    isDefault: Boolean(b.isDefault),
    status: b.status,
    services: (b.services ?? []).map((s) => ({
      id: String(s.id),
      name: s.name,
      specs: s.specs.map((sp) => ({ id: String(sp.id), name: sp.name, unit: sp.unit, prices: sp.prices.map((p) => ({ currency: p.currency, unitPrice: p.unitPrice, validFrom: day(p.validFrom), validTo: day(p.validTo) })) })),
    })),
    version: b.version ?? 0,
    createdAt: iso(b.createdAt) ?? '',
    updatedAt: iso(b.updatedAt) ?? '',
  };
}

type PriceInput = { currency: string; unitPrice: number; validFrom?: string | null | undefined; validTo?: string | null | undefined };
type ServiceInput = { id?: string | undefined; name: string; specs: { id?: string | undefined; name: string; unit: string; prices: PriceInput[] }[] };
export interface PriceBookInput {
  name: string;
  description?: string | null | undefined;
  isDefault?: boolean | undefined;
  status?: 'active' | 'archived' | undefined;
  services?: ServiceInput[] | undefined;
}

/** The account side of a price: which book, and the adjuster in percent (customers' `finance`). */
export interface PricedAccount {
  finance?: { priceBookId?: Types.ObjectId | null; priceAdjuster?: number | null; currency?: string | null } | null;
}
export type VisibleAccount = (principal: Principal, id: string) => Promise<PricedAccount>;

const startOfDay = (day: string) => new Date(`${day}T00:00:00.000Z`);

/** Services with ids kept or made, prices checked: a known currency, and one price per spec and currency on any day. */
function normaliseServices(services: ServiceInput[]): PriceBookService[] {
  return services.map((service, si) => ({
    id: new Types.ObjectId(service.id),
    name: service.name,
    specs: service.specs.map((spec, pi) => {
      const prices = spec.prices.map((price, ci) => {
        const field = `services.${si}.specs.${pi}.prices.${ci}`;
        if (!isCurrency(price.currency)) throw AppError.invalidField(`${field}.currency`, `'${price.currency}' is not an ISO 4217 currency`);
        const validFrom = price.validFrom ? startOfDay(price.validFrom) : null;
        const validTo = price.validTo ? startOfDay(price.validTo) : null;
        if (validFrom && validTo && validTo <= validFrom) throw AppError.invalidField(`${field}.validTo`, 'must be after validFrom');
        return { currency: price.currency, unitPrice: price.unitPrice, validFrom, validTo };
      });
      prices.forEach((a, i) =>
        prices.forEach((b, j) => {
          if (j <= i || a.currency !== b.currency) return;
          const overlaps = (a.validFrom?.getTime() ?? -Infinity) < (b.validTo?.getTime() ?? Infinity) && (b.validFrom?.getTime() ?? -Infinity) < (a.validTo?.getTime() ?? Infinity);
          if (overlaps) throw AppError.invalidField(`services.${si}.specs.${pi}.prices.${j}.validFrom`, `overlaps price ${i} in ${a.currency}; a spec has one price per currency on any day`, 'overlap');
        }),
      );
      return { id: new Types.ObjectId(spec.id), name: spec.name, unit: spec.unit, prices };
    }),
  }));
}

/**
 * Price books (003) and the one place the price an account gets is decided: its book (or the agency's
 * default), the spec's price in the currency valid on the day, moved by the account's price adjuster.
 */
export function createPriceBooksService(connection: Connection, deps: { visibleAccount: VisibleAccount }) {
  const PriceBook = priceBookModel(connection);

  async function find(principal: Principal, id: string | Types.ObjectId): Promise<PriceBook> {
    const book = await PriceBook.findOne({ tenantId: principal.tenantId, _id: new Types.ObjectId(String(id)) }).lean<PriceBook>();
    if (!book) throw AppError.notFound('Price book');
    return book;
  }

  async function clearOtherDefaults(principal: Principal, keepId: Types.ObjectId) {
    const others = await PriceBook.find({ tenantId: principal.tenantId, isDefault: true }).select('_id').lean();
    for (const other of others) {
      if (String(other._id) === String(keepId)) continue;
      await writeNextVersion(PriceBook, principal.tenantId, other._id, (current) => (current.isDefault ? { $set: { isDefault: false } } : null));
    }
  }

  /** The price of one spec for an account (or the default book) in a currency on a day. */
  async function resolve(principal: Principal, input: { accountId?: string | undefined; serviceId: string; specId: string; currency: string; date?: string | undefined }) {
    if (!isCurrency(input.currency)) throw AppError.invalidField('currency', `'${input.currency}' is not an ISO 4217 currency`);
    const account = input.accountId ? await deps.visibleAccount(principal, input.accountId) : null;
    const bookId = account?.finance?.priceBookId ?? null;
    const book = bookId
      ? await PriceBook.findOne({ tenantId: principal.tenantId, _id: bookId, status: 'active' }).lean<PriceBook>()
      : await PriceBook.findOne({ tenantId: principal.tenantId, isDefault: true, status: 'active' }).lean<PriceBook>();
    if (!book) throw new AppError('conflict', bookId ? "The account's price book is archived or gone; link the account to an active book" : 'No price book applies: link the account to a price book, or mark one book as the default');
    const service = book.services.find((s) => String(s.id) === input.serviceId);
    if (!service) throw AppError.invalidField('serviceId', `is not a service of the price book '${book.name}'`);
    const spec = service.specs.find((s) => String(s.id) === input.specId);
    if (!spec) throw AppError.invalidField('specId', `is not a spec of the service '${service.name}'`);
    const on = input.date ? startOfDay(input.date) : startOfDay(new Date().toISOString().slice(0, 10));
    const price = spec.prices.find((p) => p.currency === input.currency && (!p.validFrom || p.validFrom <= on) && (!p.validTo || on < p.validTo));
    if (!price) throw AppError.invalidField('currency', `the spec '${spec.name}' has no ${input.currency} price valid on ${on.toISOString().slice(0, 10)}`, 'no_price');
    const adjuster = account?.finance?.priceAdjuster ?? 0;
    // The adjuster is a percentage with up to two decimals; stored as a number, read as its decimal text.
    const adjusterBp = Number(parseScaled(adjuster, 2) ?? 0n);
    const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
    return {
      priceBookId: String(book._id),
      serviceId: String(service.id),
      specId: String(spec.id),
      serviceName: service.name,
      specName: spec.name,
      unit: spec.unit,
      currency: price.currency,
      listPrice: price.unitPrice,
      adjusterBp,
      unitPrice: adjustPrice(price.unitPrice, adjusterBp),
      validFrom: day(price.validFrom),
      validTo: day(price.validTo),
    };
  }

  return {
    resolve,
    async list(principal: Principal) {
      // An agency has a handful of books: read by tenant (an indexed equality), ordered here.
      const books = await PriceBook.find({ tenantId: principal.tenantId }).limit(500).lean<PriceBook[]>();
      books.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
      return { object: 'list' as const, data: books.map(toPriceBookDto), hasMore: false, nextCursor: null };
    },
    async get(principal: Principal, id: string) {
      return toPriceBookDto(await find(principal, id));
    },
    async create(principal: Principal, input: PriceBookInput) {
      const services = normaliseServices(input.services ?? []);
      const book = await PriceBook.create({ tenantId: principal.tenantId, name: input.name, description: input.description ?? null, isDefault: Boolean(input.isDefault), status: input.status ?? 'active', services });
      if (book.isDefault) await clearOtherDefaults(principal, book._id);
      return toPriceBookDto(book.toObject());
    },
    /** Replaces the book's content; `ifMatch` makes it conditional on the version read. */
    async replace(principal: Principal, id: string, input: PriceBookInput, ifMatch?: number) {
      const existing = await find(principal, id);
      if (ifMatch !== undefined && ifMatch !== existing.version) throw new AppError('precondition_failed', `The price book is at version ${existing.version}, not ${ifMatch}`, { extensions: { current: toPriceBookDto(existing) } });
      const services = input.services ? normaliseServices(input.services) : existing.services;
      const $set = { name: input.name, description: input.description ?? null, isDefault: input.isDefault ?? existing.isDefault, status: input.status ?? existing.status, services };
      const saved = (await writeStoredVersion(PriceBook, existing, { $set })) as PriceBook | null;
      if (!saved) throw new AppError('version_conflict', 'The price book was changed meanwhile; read it again');
      if (saved.isDefault) await clearOtherDefaults(principal, saved._id);
      return toPriceBookDto(saved);
    },
  };
}

export type PriceBooksService = ReturnType<typeof createPriceBooksService>;
