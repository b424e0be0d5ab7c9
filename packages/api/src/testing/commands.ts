import type { CommandStartedEvent } from 'mongodb';
import type { Runtime } from '../runtime.js';

/**
 * The commands `runtime` sends to its own database while `run` runs, as [command name, collection]
 * pairs, from the driver's command monitor (the runtime must be started with `monitorCommands`, as
 * test runtimes are). Commands of other databases on the same server are left out.
 */
export async function commandsDuring(runtime: Runtime & { dbName: string }, run: () => Promise<unknown>): Promise<[string, string][]> {
  const seen: [string, string][] = [];
  const listener = (event: CommandStartedEvent) => {
    if (event.databaseName === runtime.dbName) seen.push([event.commandName, String(event.command[event.commandName])]);
  };
  const client = runtime.db.connection.getClient();
  client.on('commandStarted', listener);
  try {
    await run();
  } finally {
    client.off('commandStarted', listener);
  }
  return seen;
}
