import type { CommandStartedEvent } from 'mongodb';
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
