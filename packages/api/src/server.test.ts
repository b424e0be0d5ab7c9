import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from './platform/db/ferretdb.js';
import { loadConfig, ConfigError } from './platform/config.js';
import { nodeScriptArgs } from './testing/node-script.js';

const serverEntry = new URL('./server.ts', import.meta.url).pathname;

/** Runs the real entry point and collects its output until it exits (or until `until` matches stdout). */
function runServer(env: Record<string, string>, until?: RegExp) {
  const child = spawn(process.execPath, nodeScriptArgs(serverEntry), { env: { ...process.env, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), APP_URL: 'https://crm.example.test/app', PUBLIC_URL: 'https://crm.example.test', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (until?.test(stdout)) resolve();
    });
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

describe('configuration and the process entry point', () => {
  it('should name the variable in one line when a value is bad', () => {
    assert.throws(() => loadConfig({ PORT: 'abc' }), (e: Error) => e instanceof ConfigError && /^Invalid configuration: PORT /.test(e.message) && !e.message.includes('\n'));
    assert.throws(() => loadConfig({ MONGODB_URI: 'http://nope' }), /MONGODB_URI must start with mongodb:\/\//);
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /JWT_SECRET is required in production/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }), /Invalid configuration: APP_URL is required in production/);
    assert.throws(() => loadConfig({ JWT_SECRET: 'short' }), (e: Error) => /JWT_SECRET must be at least 32/.test(e.message) && !e.message.includes('short"'), 'secrets are never echoed');
  });

  it('should stop with one line, and no stack, when MONGODB_URI is unreachable', async () => {
    const port = await freePort();
    const run = runServer({ MONGODB_URI: `mongodb://127.0.0.1:${port}/crm`, DB_CONNECT_TIMEOUT_MS: '1500', PORT: '0' });
    assert.equal(await run.exited, 1);
    const lines = run.output().stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.output().stderr);
    assert.match(lines[0]!, /^crm-api: Cannot reach the database at mongodb:\/\/127\.0\.0\.1:\d+\/crm/);
  });

  it('should say in one line what to install when there is neither Go nor a MongoDB download', async () => {
    // No MONGODB_URI, an empty tools folder, no `go` on the PATH, and a MongoDB download address that
    // refuses: the API must not print mongodb-memory-server's stack, only the line a person acts on.
    const dir = mkdtempSync(join(tmpdir(), 'crm-nodb-test-'));
    const refused = await freePort();
    const bin = join(dir, 'bin'); // a PATH with node alone, wherever this machine keeps go
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    try {
      const { MONGODB_URI: _unset, ...env } = process.env;
      const child = spawn(process.execPath, nodeScriptArgs(serverEntry), {
        env: { ...env, NODE_ENV: 'development', PATH: bin, DATA_DIR: join(dir, 'data'), TOOLS_DIR: join(dir, 'tools'), MONGOMS_DOWNLOAD_DIR: join(dir, 'mongodb-binaries'), MONGOMS_DOWNLOAD_URL: `http://127.0.0.1:${refused}/mongodb.tgz`, PORT: '0', LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
      assert.equal(code, 1);
      const lines = stderr.trim().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0]!, /^crm-api: No database: install Go 1\.22\+ \(for the embedded FerretDB\) or set MONGODB_URI to a MongoDB server \(Go is not installed; mongodb-memory-server: .+\)$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should serve, then shut down cleanly on SIGTERM, on the test database', async () => {
    const uri = process.env.TEST_MONGODB_URI;
    assert.ok(uri, 'run through scripts/run-tests.ts');
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-server-test-'));
    try {
      const run = runServer({ MONGODB_URI: uri, DATABASE_NAME: `t_server_${port}`, PORT: String(port), DATA_DIR: dataDir }, /CRM API listening/);
      await Promise.race([run.ready, run.exited.then((code) => assert.fail(`exited with ${code}: ${run.output().stderr}`))]);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(res.status, 200);
      // A request whose body is still arriving when SIGTERM comes must be finished, not dropped.
      const body = JSON.stringify({ email: 'nobody@example.test', password: 'wrong-password' });
      const socket = connect({ port, host: '127.0.0.1' });
      await new Promise((resolve) => socket.once('connect', resolve));
      const answer = new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (c) => (text += c.toString()));
        socket.on('end', () => resolve(text));
        socket.on('close', () => resolve(text));
      });
      // `Expect: 100-continue` makes the server say when it has parsed the headers, so SIGTERM comes
      // while the request is in flight however slow the machine is (no sleep to guess with).
      const continued = new Promise<void>((resolve) => {
        const onData = (c: Buffer) => {
          if (c.toString().startsWith('HTTP/1.1 100 ')) {
            socket.off('data', onData);
            resolve();
          }
        };
        socket.on('data', onData);
      });
      socket.write(`POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
      await continued;
      socket.write(body.slice(0, 10));
      run.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      socket.write(body.slice(10));
      assert.match(await answer, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 401 /, 'the in-flight request got its answer');
      assert.equal(await run.exited, 0, run.output().stderr + run.output().stdout.slice(-2000));
      assert.match(run.output().stdout, /"msg":"stopped"/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
