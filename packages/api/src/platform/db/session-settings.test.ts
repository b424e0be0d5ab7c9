import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withSessionSettings } from './ferretdb.js';

describe("FerretDB's PostgreSQL session settings", () => {
  it('should turn off JIT and parallel workers for its connections, keeping the rest of the URL', () => {
    const url = new URL(withSessionSettings('postgres://crm:secret@127.0.0.1:5433/crm?sslmode=disable'));
    assert.equal(url.searchParams.get('jit'), 'off');
    assert.equal(url.searchParams.get('max_parallel_workers_per_gather'), '0');
    assert.equal(url.searchParams.get('sslmode'), 'disable');
    assert.equal(`${url.username}:${url.password}@${url.host}${url.pathname}`, 'crm:secret@127.0.0.1:5433/crm');
  });

  it('should leave a setting the operator put in the URL as it is', () => {
    const url = new URL(withSessionSettings('postgres://127.0.0.1:5432/crm?jit=on'));
    assert.equal(url.searchParams.get('jit'), 'on');
    assert.equal(url.searchParams.get('max_parallel_workers_per_gather'), '0');
  });
});
