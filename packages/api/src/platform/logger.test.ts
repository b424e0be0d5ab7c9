import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { logFormat } from './logger.js';

const loggerModule = fileURLToPath(new URL('./logger.ts', import.meta.url));

/** Runs a real process that logs one line through createLogger, its stdout a pipe; returns stdout. */
function logOneLine(env: Record<string, string>): string {
  const script = `const { createLogger } = await import(${JSON.stringify(loggerModule)});
const logger = createLogger({ LOG_LEVEL: 'info', LOG_FORMAT: process.env.LOG_FORMAT || undefined });
logger.info({ contactId: 'c1', body: { password: 'hunter2' } }, 'contact saved');
logger.flush?.();`;
  const { LOG_FORMAT: _unset, ...inherited } = process.env;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...inherited, ...env }, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe('logger', () => {
  it('should choose pretty lines for a terminal and JSON for a pipe, unless LOG_FORMAT says otherwise', () => {
    assert.equal(logFormat({}, true), 'pretty');
    assert.equal(logFormat({}, false), 'json');
    assert.equal(logFormat({ LOG_FORMAT: 'json' }, true), 'json');
    assert.equal(logFormat({ LOG_FORMAT: 'pretty' }, false), 'pretty');
  });

  it('should write one JSON object per line when stdout is a pipe', () => {
    const out = logOneLine({});
    const line = JSON.parse(out.trim()) as Record<string, unknown>;
    assert.equal(line.msg, 'contact saved');
    assert.equal(line.contactId, 'c1');
    assert.deepEqual(line.body, { password: '[redacted]' });
  });

  it('should write readable pino-pretty lines, without colour codes in a pipe, when LOG_FORMAT=pretty', () => {
    const out = logOneLine({ LOG_FORMAT: 'pretty' });
    assert.match(out, /^\[\d\d:\d\d:\d\d\] INFO: contact saved$/m);
    assert.match(out, /contactId: "c1"/);
    assert.match(out, /"password": "\[redacted\]"/);
    assert.ok(!out.includes('\u001b['), 'no ANSI colours when stdout is not a terminal');
    assert.throws(() => JSON.parse(out.trim()));
  });
});
