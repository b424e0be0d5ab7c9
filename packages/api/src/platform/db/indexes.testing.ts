import type { CommandStartedEvent } from 'mongodb';
import type { Connection } from 'mongoose';

/** The commands a connection (made with `monitorCommands: true`) sends while `run` runs, as [command, collection] pairs. */
export async function commandsOf(connection: Connection, run: () => Promise<unknown>): Promise<[string, string][]> {
  const seen: [string, string][] = [];
  const listener = (event: CommandStartedEvent) => {
    if (event.databaseName === connection.name) seen.push([event.commandName, String(event.command[event.commandName])]);
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
