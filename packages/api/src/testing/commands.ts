import type { CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Runtime } from '../runtime.js';

/**
 * The commands a connection (made with `monitorCommands`, as test runtimes' are) sends to its own database
 * while `run` runs. Commands of other databases on the same server are left out.
 */
export async function connectionCommandEvents(connection: Connection, run: () => Promise<unknown>): Promise<CommandStartedEvent[]> {
  const seen: CommandStartedEvent[] = [];
  const listener = (event: CommandStartedEvent) => {
    if (event.databaseName === connection.name) seen.push(event);
  };
  const client = connection.getClient();
  client.on('commandStarted', listener);
  try {
    await run();
  } finally {
    client.off('commandStarted', listener);
  }
  return seen;
}

/** The commands `runtime` sends to its own database while `run` runs, from the driver's command monitor. */
export async function commandEventsDuring(runtime: Runtime & { dbName: string }, run: () => Promise<unknown>): Promise<CommandStartedEvent[]> {
  return (await connectionCommandEvents(runtime.db.connection, run)).filter((event) => event.databaseName === runtime.dbName);
}

/** The commands `runtime` sends to its own database while `run` runs, as [command name, collection] pairs. */
export async function commandsDuring(runtime: Runtime & { dbName: string }, run: () => Promise<unknown>): Promise<[string, string][]> {
  return (await commandEventsDuring(runtime, run)).map((event) => [event.commandName, String(event.command[event.commandName])]);
}

/** The filters of the finds `runtime` sends to `collection` while `run` runs (to check what a read asks the database). */
export async function findFiltersDuring(runtime: Runtime & { dbName: string }, collection: string, run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  return (await commandEventsDuring(runtime, run)).filter((event) => event.commandName === 'find' && event.command.find === collection).map((event) => (event.command.filter ?? {}) as Record<string, unknown>);
}

/**
 * The commands `runtime` sends to its own database while `run` runs, each with the documents its reply
 * returned (a find's first batch, a getMore's next batch; 0 for other replies), from the command monitor.
 */
export async function commandRepliesDuring(runtime: Runtime & { dbName: string }, run: () => Promise<unknown>): Promise<{ command: string; collection: string; docs: number }[]> {
  const client = runtime.db.connection.getClient();
  const started = new Map<number, { command: string; collection: string; docs: number }>();
  const out: { command: string; collection: string; docs: number }[] = [];
  const onStarted = (event: CommandStartedEvent) => {
    if (event.databaseName !== runtime.dbName) return;
    const entry = { command: event.commandName, collection: String(event.command[event.commandName]), docs: 0 };
    if (event.commandName === 'getMore') entry.collection = String(event.command.collection);
    started.set(event.requestId, entry);
    out.push(entry);
  };
  const onSucceeded = (event: CommandSucceededEvent) => {
    const entry = started.get(event.requestId);
    const cursor = (event.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } } | undefined)?.cursor;
    if (entry) entry.docs = (cursor?.firstBatch ?? cursor?.nextBatch ?? []).length;
  };
  client.on('commandStarted', onStarted);
  client.on('commandSucceeded', onSucceeded);
  try {
    await run();
  } finally {
    client.off('commandStarted', onStarted);
    client.off('commandSucceeded', onSucceeded);
  }
  return out;
}
