import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexTokens, matchWord, MAX_TOKENS_PER_RECORD, queryWords } from './search-tokens.js';

describe('search tokens', () => {
  const tokensOf = (...values: string[]) => new Map(indexTokens(values).map((t) => [t.token, t.exact]));

  it('should store word prefixes of 3 to 10 characters, the whole word marked exact, and a long word whole', () => {
    const tokens = tokensOf('Lisbon', 'Internationalisation');
    assert.deepEqual([...tokens].filter(([t]) => t.startsWith('li')), [['lis', false], ['lisb', false], ['lisbo', false], ['lisbon', true]]);
    assert.equal(tokens.get('internatio'), false, 'a 10-character prefix');
    assert.equal(tokens.has('internation'), false, 'no 11-character prefix');
    assert.equal(tokens.get('internationalisation'), true, 'the long word whole');
    assert.equal(matchWord(tokens, queryWords('internationali')[0]!), 'prefix', 'a long typed word is confirmed on the whole word');
    assert.equal(matchWord(tokens, queryWords('internationalx')[0]!), null);
  });

  it('should store a word of two letters whole only, so a typed word of two letters matches only that whole word', () => {
    const tokens = tokensOf('Li Wei', 'Lisbon');
    assert.deepEqual([...tokens], [['li', true], ['wei', true], ['lis', false], ['lisb', false], ['lisbo', false], ['lisbon', true]]);
    assert.equal(matchWord(tokens, queryWords('li')[0]!), 'exact');
    assert.equal(matchWord(tokensOf('Lisbon'), queryWords('li')[0]!), null, 'no 2-letter prefix: "li" does not find Lisbon');
    assert.equal(matchWord(tokensOf('Lisbon'), queryWords('lis')[0]!), 'prefix');
  });

  it('should cap what one record stores, and the length of every token', () => {
    const many = Array.from({ length: 400 }, (_, i) => `word${i}x`);
    const tokens = indexTokens([...many, 'a'.repeat(5000), `${'b'.repeat(300)}@example.com`]);
    assert.ok(tokens.length <= MAX_TOKENS_PER_RECORD);
    assert.ok(tokens.every((t) => t.token.length <= 100), 'no token longer than 100 characters');
  });

  it('should read emails whole and by words (without the top-level domain), and phones as digits with their endings', () => {
    const tokens = tokensOf('Zoe.Angstrom@Example.com', '+44 (20) 7946-0958');
    assert.equal(tokens.get('zoe.angstrom@example.com'), true);
    assert.equal(tokens.get('angstrom'), true);
    assert.equal(tokens.has('com'), false);
    assert.equal(tokens.get('442079460958'), true);
    assert.equal(tokens.has('460958'), true, 'its last 6 digits');
    assert.equal(tokens.has('79460958'), false, 'longer endings are confirmed on the whole number, not stored');
    assert.equal(tokens.has('0958'), false, 'endings shorter than 6 digits are not stored');
    assert.equal(tokens.has('4420794'), true, 'its first digits, 6 to 10');
    assert.deepEqual(queryWords(' +44 20 7946 0958 '), [{ kind: 'literal', text: '442079460958', tokens: ['442079460958', '460958'], digits: ['442079460958'] }]);
    assert.deepEqual(queryWords('020 7946 0958')[0]!.tokens, ['02079460958', '2079460958', '460958'], 'a trunk 0 is also tried without; the ending by its last 6 digits');
    assert.equal(matchWord(tokens, queryWords('020 7946 0958')[0]!), 'prefix');
    assert.equal(matchWord(tokens, queryWords('7946 0958')[0]!), 'prefix', 'an ending of 8 digits');
    assert.equal(matchWord(tokens, queryWords('+44 20 7946 0958')[0]!), 'exact');
    assert.equal(matchWord(tokens, queryWords('44 20 79')[0]!), 'prefix', 'the first digits');
    assert.deepEqual(queryWords('846 0958')[0]!.tokens, ['8460958', '460958'], 'looked up by the same last 6 digits');
    assert.equal(matchWord(tokens, queryWords('846 0958')[0]!), null, 'but another digit before them: confirmed on the whole number, no match');
  });

  it('should fold case and accents, drop one-letter words, and keep at most 8 words of a query', () => {
    assert.deepEqual(queryWords('ZOË Ångström ø a').map((w) => w.text), ['zoe', 'angstrom']);
    assert.deepEqual(queryWords('Tromsø').map((w) => w.text), ['tromso']);
    assert.deepEqual(queryWords('.*'), []);
    assert.equal(queryWords('a1 b2 c3 d4 e5 f6 g7 h8 i9 j10').length, 8);
  });
});
