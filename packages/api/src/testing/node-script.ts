import { existsSync } from 'node:fs';

/**
 * Node's arguments to start one of the API's TypeScript entry files (a test's worker process, the server)
 * as a child process. In the compiled test build of scripts/run-tests.ts the JavaScript beside it runs on
 * plain Node (each tsx start costs seconds of CPU in every process); from the sources it runs through tsx.
 */
export function nodeScriptArgs(tsFile: string, ...args: string[]): string[] {
  const compiled = tsFile.replace(/\.ts$/, '.js');
  return existsSync(compiled) ? ['--enable-source-maps', compiled, ...args] : ['--import', 'tsx', tsFile, ...args];
}
