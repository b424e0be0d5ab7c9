import { expect } from '@open-wc/testing';
import { availableLocales, msg, registerStrings } from './msg.js';

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
