import { expect } from '@open-wc/testing';
import { availableLocales, msg, plural, registerStrings } from './msg.js';

describe('msg', () => {
  it('should return English by default and fill placeholders', () => {
    expect(msg('field.required', { label: 'Email' })).to.equal('Please fill in Email.');
  });

  it('should return German for de and for a regional de tag', () => {
    expect(msg('state.retry', {}, 'de')).to.equal('Erneut versuchen');
    expect(msg('state.retry', {}, 'de-CH')).to.equal('Erneut versuchen');
  });

  it('should fall back to English for unknown locales and missing keys', () => {
    expect(msg('state.retry', {}, 'xx')).to.equal('Try again');
    registerStrings('fr', { 'state.retry': 'Réessayer' });
    expect(msg('state.retry', {}, 'fr')).to.equal('Réessayer');
    expect(msg('state.loading', {}, 'fr')).to.equal('Loading…');
    expect(availableLocales()).to.include.members(['en', 'de', 'fr']);
  });

  it('should leave unknown placeholders visible rather than print undefined', () => {
    expect(msg('field.required')).to.equal('Please fill in {label}.');
  });
});

describe('plural', () => {
  it('should pick the singular and plural forms in English through Intl.PluralRules', () => {
    expect(plural('board.count', 1, {}, 'en')).to.equal('1 deal');
    expect(plural('board.count', 2, {}, 'en')).to.equal('2 deals');
    expect(plural('board.count', 0, {}, 'en')).to.equal('0 deals');
  });

  it('should pick the singular and plural forms in German, with German digit grouping', () => {
    expect(plural('board.count', 1, {}, 'de')).to.equal('1 Deal');
    expect(plural('board.count', 2500, {}, 'de')).to.equal('2.500 Deals');
    expect(plural('contactList.count', 1, {}, 'de-AT')).to.equal('1 Kontakt geladen');
  });

  it('should fall back to the other form when a locale has no form for its category', () => {
    registerStrings('pl', { 'board.count.other': '{count} transakcji' });
    // Polish counts 2 as "few": the table has no such form, so "other" stands in, never English's "one".
    expect(plural('board.count', 2, {}, 'pl')).to.equal('2 transakcji');
    expect(plural('board.count', 1, {}, 'pl')).to.equal('1 deal');
  });
});
