import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The FerretDB release the project is built and tested against (see packages/api/README.md). */
export const FERRETDB_VERSION = 'v1.24.1';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

/** Where the project keeps its own FerretDB binary. */
export function ferretdbBinary(toolsDir: string): string {
  return join(toolsDir, 'bin', 'ferretdb');
}

function installedVersion(binary: string): string | undefined {
  if (!existsSync(binary)) return undefined;
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return /version:\s*(v\S+)/.exec(out.stdout ?? '')?.[1];
}

/** True when `go` is on the PATH. */
export function hasGo(): boolean {
  return spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
}

/**
 * Installs FerretDB from its Go module into `<toolsDir>/bin`, once.
 *
 * A plain `go install ...@v1.24.1` builds, but the binary panics at start because the module as published
 * lacks build/version/version.txt (FerretDB's own build writes it with `task gen-version`). So this
 * downloads the same module with `go mod download`, writes that one file with the release tag, and builds
 * cmd/ferretdb from it: the official source, untouched otherwise.
 */
export function installFerretDB(toolsDir: string, log: (line: string) => void = () => {}): string {
  const binary = ferretdbBinary(toolsDir);
  if (installedVersion(binary) === FERRETDB_VERSION) return binary;
  if (!hasGo()) {
    throw new Error('FerretDB is not installed and Go is missing: install Go 1.22+ (or set MONGODB_URI to a MongoDB server)');
  }
  log(`installing FerretDB ${FERRETDB_VERSION} with Go into ${toolsDir} (once, about a minute)`);
  const dl = spawnSync('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  if (dl.status !== 0) throw new Error(`go mod download failed: ${(dl.stderr || dl.stdout).trim().split('\n').pop()}`);
  const moduleDir = (JSON.parse(dl.stdout) as { Dir: string }).Dir;
  const srcDir = join(toolsDir, 'src', `ferretdb-${FERRETDB_VERSION}`);
  rmSync(srcDir, { recursive: true, force: true });
  mkdirSync(srcDir, { recursive: true });
  cpSync(moduleDir, srcDir, { recursive: true });
  spawnSync('chmod', ['-R', 'u+w', srcDir]);
  writeFileSync(join(srcDir, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  mkdirSync(join(toolsDir, 'bin'), { recursive: true });
  const build = spawnSync('go', ['build', '-trimpath', '-o', binary, './cmd/ferretdb'], { cwd: srcDir, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building FerretDB failed: ${build.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  chmodSync(binary, 0o755);
  rmSync(srcDir, { recursive: true, force: true });
  if (installedVersion(binary) !== FERRETDB_VERSION) throw new Error(`FerretDB at ${binary} does not report ${FERRETDB_VERSION}`);
  return binary;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface FerretDBOptions {
  binary: string;
  dataDir: string;
  handler: 'sqlite' | 'postgresql';
  postgresUrl?: string | undefined;
  /** The SQLite handler's folder; default `<dataDir>/ferretdb`. */
  sqliteDir?: string;
  port?: number;
  log?: (line: string) => void;
}

/** A FerretDB server process this API started and will stop. */
export interface RunningFerretDB {
  uri: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Session settings for FerretDB's connections to PostgreSQL, passed in its URL (pgx sends query parameters it
 * does not know as run-time parameters of each connection), unless the URL sets them itself:
 * - `jit=off`: PostgreSQL cannot estimate how many rows a pushed-down `@>` matches (it guesses a share of the
 *   table), so a search entry lookup at 100,000 contacts was planned at a cost of 810,490, above `jit_above_cost`,
 *   and compiled with inlining and optimisation: 977 ms of JIT in a 1,188 ms read of 6,666 rows (EXPLAIN ANALYZE,
 *   2026-12-07; 259 ms without). Our reads are equality lookups of a few rows that JIT never pays back.
 * - `max_parallel_workers_per_gather=0`: the same estimates start parallel workers for those lookups (39 ms with
 *   two workers against 27 ms without, and the workers' CPU on top) on a machine of a few cores.
 */
export function withSessionSettings(postgresUrl: string): string {
  const url = new URL(postgresUrl);
  for (const [name, value] of [['jit', 'off'], ['max_parallel_workers_per_gather', '0']] as const) if (!url.searchParams.has(name)) url.searchParams.set(name, value);
  return url.toString();
}

/** Starts FerretDB on a free local port and resolves once it accepts connections. */
export async function startFerretDB(options: FerretDBOptions): Promise<RunningFerretDB> {
  const port = options.port ?? (await freePort());
  const sqliteDir = options.sqliteDir ?? join(options.dataDir, 'ferretdb');
  const stateDir = join(options.dataDir, 'ferretdb-state');
  if (options.handler === 'sqlite') mkdirSync(sqliteDir, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  const args = [
    `--handler=${options.handler}`,
    `--listen-addr=127.0.0.1:${port}`,
    // FERRETDB_DEBUG_ADDR (e.g. 127.0.0.1:8088) serves FerretDB's Go profiles (/debug/pprof/) for a bench; off otherwise.
    `--debug-addr=${process.env.FERRETDB_DEBUG_ADDR || '-'}`,
    `--state-dir=${stateDir}`,
    '--telemetry=disable',
    '--log-level=warn',
    '--log-format=text',
    options.handler === 'sqlite' ? `--sqlite-url=file:${sqliteDir}/` : `--postgresql-url=${withSessionSettings(options.postgresUrl!)}`,
  ];
  // Its own process group, so Ctrl-C reaches the API first, which drains requests and then stops us.
  const child = spawn(options.binary, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const guard = guardChild(child, 'SIGTERM');
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
    for (const line of chunk.split('\n')) if (/level=ERROR/.test(line)) options.log?.(line);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      guard.release();
      throw new Error(`FerretDB exited at start: ${stderr.trim().split('\n').pop() ?? ''}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      guard.release();
      throw new Error('FerretDB did not start listening within 20 s');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      guard.release();
    },
  };
}

/**
 * Makes sure `child` does not outlive this process, even when it is killed with SIGKILL (no exit handler
 * runs then): a tiny `sh` holds the read end of a pipe whose only writer is this process; when the
 * process dies for any reason the pipe closes, `read` returns and the shell sends `signal` to the child.
 * `release()` (after a normal stop) ends the watcher without signalling.
 */
export function guardChild(child: ChildProcess, signal: 'SIGINT' | 'SIGTERM'): { release(): void } {
  const pid = child.pid;
  if (!pid) return { release() {} };
  const watcher = spawn('sh', ['-c', `read _ignored; kill -${signal.slice(3)} ${pid} 2>/dev/null`], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  watcher.on('error', () => {});
  watcher.stdin?.on('error', () => {});
  watcher.unref();
  (watcher.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  child.once('exit', () => watcher.kill('SIGKILL'));
  return {
    release() {
      if (watcher.exitCode === null && watcher.signalCode === null) watcher.kill('SIGKILL');
    },
  };
}

async function canConnect(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
