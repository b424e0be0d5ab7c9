import type { components, operations } from '../generated/openapi.js';

/** A schema of the API's OpenAPI document by name, e.g. `Schema<'Contact'>`. */
export type Schema<TName extends keyof components['schemas']> = components['schemas'][TName];

/** The query parameters of an operation by its `operationId`, e.g. `OperationQuery<'listContacts'>`. */
export type OperationQuery<TOperation extends keyof operations> = NonNullable<operations[TOperation]['parameters']['query']>;

/** The JSON body of an operation by its `operationId`, for bodies the document declares inline, e.g. `OperationRequestBody<'answerFeedback'>`. */
export type OperationRequestBody<TOperation extends keyof operations> = operations[TOperation] extends {
  requestBody?: { content: { 'application/json': infer TBody } };
}
  ? TBody
  : never;
