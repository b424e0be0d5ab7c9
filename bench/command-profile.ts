/**
 * The database commands of one run, by command and collection (count and summed milliseconds; commands in
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
