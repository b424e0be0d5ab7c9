import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { formatDate, formatDateRange } from '../campaign-card/format.js';
import { common, formatNumber, loadLocale, resolveLocale, strings } from './i18n.js';

/** The same text whatever space ICU puts around a dash or between digits (thin, narrow no-break). */
const plain = (text: string) => text.replace(/\s+/g, ' ');

const text = strings('card', { views: { one: '{n} view', other: '{n} views' }, title: 'Card' });
const march5 = '2026-03-05T12:00:00Z';
const april30 = '2026-04-30T12:00:00Z';

describe('widget language (Intl)', () => {
  before(() => loadLocale('de'));

  it('should say a singular, a plural and a date in English', () => {
    assert.equal(text('en', 'views', { n: 1 }), '1 view');
    assert.equal(text('en', 'views', { n: 12345 }), '12,345 views');
    assert.equal(formatDate(march5, 'en'), 'Mar 5, 2026');
    assert.equal(plain(formatDateRange(march5, april30, 'en')), 'Mar 5 – Apr 30, 2026');
  });

  it('should say a singular, a plural and a date in German', () => {
    assert.equal(text('de', 'views', { n: 1 }), '1 Aufruf');
    assert.equal(text('de', 'views', { n: 12345 }), '12.345 Aufrufe');
    assert.equal(formatDate(march5, 'de'), '05.03.2026');
    assert.equal(plain(formatDateRange(march5, april30, 'de')), '05.03. – 30.04.2026');
  });

  it('should say the wait of a rate limit with the plural of its number of seconds (never "1 seconds")', () => {
    assert.equal(common('en', 'rateLimited', { n: 1 }), 'Too many attempts. Please try again in 1 second.');
    assert.equal(common('en', 'rateLimited', { n: 2 }), 'Too many attempts. Please try again in 2 seconds.');
    assert.equal(common('de', 'rateLimited', { n: 1 }), 'Zu viele Versuche. Bitte versuchen Sie es in 1 Sekunde erneut.');
    assert.equal(common('de', 'rateLimited', { n: 30 }), 'Zu viele Versuche. Bitte versuchen Sie es in 30 Sekunden erneut.');
  });

  it('should say a site the key does not allow is not allowed, in English and German', () => {
    assert.equal(common('en', 'notAllowed'), 'This site is not allowed to show this campaign.');
    assert.equal(common('de', 'notAllowed'), 'Diese Website darf diese Kampagne nicht anzeigen.');
  });

  it('should fall back to English for a language it does not speak, and take the language of a region tag', () => {
    assert.equal(resolveLocale('de-AT'), 'de');
    assert.equal(resolveLocale('pt-BR'), 'en');
    assert.equal(text(resolveLocale('pt-BR'), 'title'), 'Card');
    assert.equal(text('de', 'title'), 'Card', 'a message the locale lacks is said in English');
    assert.equal(formatNumber(0, 'de'), '0');
    assert.equal(text('de', 'views', { n: 0 }), '0 Aufrufe');
  });
});
