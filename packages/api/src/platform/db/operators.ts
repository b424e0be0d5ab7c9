import mongoose from 'mongoose';

/**
 * Marks a query operator object as built by our code. `sanitizeFilter` is on for every query, so an
 * operator that arrives in user input (`{"$ne": null}`) is neutralised into an equality; operators
 * the server builds itself pass through this one function, which makes each of them easy to audit.
 */
export function op<T extends Record<`$${string}`, unknown>>(operators: T): T {
  return mongoose.trusted(operators) as T;
}
