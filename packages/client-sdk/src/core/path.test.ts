import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrmError } from './errors.js';
import { path } from './path.js';

describe('path', () => {
  it('should keep the literal parts as written around the parameters, and refuse a dot segment in them too', () => {
    assert.equal(path`/v1/contacts`, '/v1/contacts');
    assert.equal(path`/v1/contacts/${'c1'}/notes/${'n1'}`, '/v1/contacts/c1/notes/n1');
    assert.equal(path`/v1/public/campaigns/${'SPRING-26'}:enrol`, '/v1/public/campaigns/SPRING-26:enrol');
    // The whole path is checked, not only what was interpolated: no route is reached by walking up.
    assert.throws(() => path`/v1/contacts/../api-keys`, CrmError);
    assert.throws(() => path`/v1/contacts/%2E%2E/api-keys`, CrmError);
    assert.throws(() => path`/v1/contacts/${'c1'}/..`, CrmError);
  });

  it('should encode each parameter as exactly one segment', () => {
    assert.equal(path`/v1/contacts/${'a/b?c#d e'}/transitions`, '/v1/contacts/a%2Fb%3Fc%23d%20e/transitions');
    assert.equal(path`/v1/files/${'résumé'}`, '/v1/files/r%C3%A9sum%C3%A9');
    assert.equal(path`/v1/items/${42}`, '/v1/items/42');
  });

  it('should refuse dot segments, empty and non-scalar parameters', () => {
    assert.throws(() => path`/v1/contacts/${'..'}`, CrmError);
    assert.throws(() => path`/v1/contacts/${'.'}/x`, CrmError);
    assert.throws(() => path`/v1/contacts/${''}`, CrmError);
    assert.throws(() => path`/v1/contacts/${{ id: 1 }}`, CrmError);
    assert.throws(() => path`/v1/contacts/${undefined}`, CrmError);
  });
});
