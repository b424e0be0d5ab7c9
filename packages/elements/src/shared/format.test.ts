import { expect } from '@open-wc/testing';
import { formatDate, formatDateTime, formatList, formatMoney, formatNumber, formatPercent, formatShortDate } from './format.js';

describe('format', () => {
  it('should write a date in English as month day, year and in German as day.month.year', () => {
    expect(formatDate('2026-12-03', 'en')).to.equal('Dec 3, 2026');
    expect(formatDate('2026-12-03', 'de')).to.equal('03.12.2026');
    expect(formatShortDate('2026-12-03', 'en')).to.equal('12/03/2026');
    expect(formatShortDate('2026-12-03', 'de')).to.equal('03.12.2026');
  });

  it('should keep a calendar date on its day in every time zone', () => {
    expect(formatDate('2026-12-03', 'de', 'America/Los_Angeles')).to.equal('03.12.2026');
    expect(formatDate('2026-12-03T02:00:00Z', 'de', 'America/Los_Angeles')).to.equal('02.12.2026');
  });

  it('should write a date and time in the locale and time zone', () => {
    expect(formatDateTime('2026-12-03T14:05:00Z', 'de', 'Europe/Berlin')).to.equal('03.12.2026, 15:05');
    expect(formatDateTime('2026-12-03T14:05:00Z', 'en', 'UTC')).to.equal('Dec 3, 2026, 2:05 PM');
  });

  it('should write numbers, percentages, money and lists the locale way', () => {
    expect(formatNumber(1234.5, 'en')).to.equal('1,234.5');
    expect(formatNumber(1234.5, 'de')).to.equal('1.234,5');
    expect(formatPercent(25, 'en')).to.equal('25%');
    expect(formatPercent(25, 'de')).to.equal('25\u00a0%');
    expect(formatMoney(12500, 'EUR', 'en')).to.equal('€12,500');
    expect(formatMoney(12500, 'EUR', 'de')).to.equal('12.500\u00a0€');
    expect(formatList(['A', 'B', 'C'], 'de')).to.equal('A, B und C');
  });

  it('should return an empty string for no date or an invalid one', () => {
    expect(formatDate(undefined, 'en')).to.equal('');
    expect(formatDate('not a date', 'en')).to.equal('');
  });
});
