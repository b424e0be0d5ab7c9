/** Types of compile.mjs (plain JavaScript, so that scripts/start.mjs runs it without tsx). */
export declare const repoRoot: string;
export declare function compileTree(paths: string[], out: string): Promise<string>;
