import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrmError } from './errors.js';
import { path } from './path.js';

describe('path', () => {
  it('should leave a path without parameters as it is', () => {
    assert.equal(path`/v1/contacts`, '/v1/contacts');
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
