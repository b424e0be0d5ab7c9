/**
 * What the API process of an import run measures: its memory peaks, and the database commands of the run, by command and collection (count and summed milliseconds; commands in
 * flight together each count, so the sum can exceed the run), and the search entries inserted: what
 * `bench/import.ts --profile` prints, whether the API runs in the bench's process or its own.
 */
import type { MongoClient } from 'mongodb';

export interface CommandProfile {
  commands: Map<string, { count: number; ms: number }>;
  /** Search entries inserted so far (`insert search_entries` documents). */
  entriesInserted(): number;
}

/** Starts counting the commands `client` sends to the database `dbName`. */
export function profileCommands(client: MongoClient, dbName: string): CommandProfile {
  const commands = new Map<string, { count: number; ms: number }>();
  const started = new Map<number, { key: string; at: number }>();
  let entries = 0;
  client.on('commandStarted', (e) => {
    if (e.databaseName !== dbName) return;
    const collection = typeof e.command[e.commandName] === 'string' ? e.command[e.commandName] : '';
    started.set(e.requestId, { key: `${e.commandName} ${collection}`, at: performance.now() });
    if (e.commandName === 'insert' && collection === 'search_entries') entries += (e.command.documents as unknown[]).length;
  });
  const done = (e: { requestId: number }) => {
    const s = started.get(e.requestId);
    if (!s) return;
    started.delete(e.requestId);
    const stat = commands.get(s.key) ?? { count: 0, ms: 0 };
    stat.count += 1;
    stat.ms += performance.now() - s.at;
    commands.set(s.key, stat);
  };
  client.on('commandSucceeded', done);
  client.on('commandFailed', done);
  return { commands, entriesInserted: () => entries };
}

/** What the API process reports at the end of an import run: its commands (with `--profile`) and its memory peaks. */
export interface ApiMeasures {
  commands: Array<[string, { count: number; ms: number }]>;
  entriesInserted: number;
  peakRss: number;
  peakHeap: number;
}

/** Samples this process's RSS and heap every 100 ms, and with `profile` its commands to `dbName`, until `finish()`. */
export function measureApi(client: MongoClient, dbName: string, profile: boolean): { finish(): ApiMeasures } {
  let peakRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 100);
  const commandProfile = profile ? profileCommands(client, dbName) : null;
  return {
    finish() {
      clearInterval(sampler);
      return { commands: [...(commandProfile?.commands ?? [])], entriesInserted: commandProfile?.entriesInserted() ?? 0, peakRss, peakHeap };
    },
  };
}
