/** The budget of the loader plus the signup widget, in gzip bytes. */
export const BUDGET_BYTES: number;
type Sizes = { raw: number; gzip: number; brotli: number };
/** The sizes of dist/: per file, loader + signup widget, and the card widget on top. */
export function measure(): { table: Record<string, Sizes>; signup: Sizes; signupFiles: string[]; card: Sizes };
