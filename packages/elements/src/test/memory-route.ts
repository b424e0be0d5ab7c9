// A route of the in-memory API (src/test/memory-api.ts), named by the API's `operationId`: its handler
// must answer what the OpenAPI document (through the SDK's generated types) declares for that
// operation, so the double cannot drift from the contract.
import type { operations } from '@crm/client-sdk';

/** A handler of the double: the path's match, the query, the JSON body and the headers in; the answer out. */
export type Handler = (match: RegExpMatchArray, query: Record<string, string>, body: Record<string, unknown>, headers: Record<string, string>) => unknown;

/** The JSON body the API answers an operation with on success, as the OpenAPI document declares it. */
export type OperationAnswer<TOperation extends keyof operations> = operations[TOperation]['responses'] extends infer R
  ? R extends { 200: { content: { 'application/json': infer B } } }
    ? B
    : R extends { 201: { content: { 'application/json': infer B } } }
      ? B
      : R extends { 202: { content: { 'application/json': infer B } } }
        ? B
        : never
  : never;

/** A route for `method` and `path`, answering as `operation` does. */
export function route<TOperation extends keyof operations>(
  method: string,
  path: RegExp,
  _operation: TOperation,
  handler: (...args: Parameters<Handler>) => OperationAnswer<TOperation> | Promise<OperationAnswer<TOperation>>,
): [string, RegExp, Handler] {
  return [method, path, handler];
}
