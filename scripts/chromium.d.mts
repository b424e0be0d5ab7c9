/** Types of chromium.mjs: the one place browser tests find their Chromium. */
export declare const systemChromiumPaths: string[];
export declare const chromiumArgs: string[];
export declare function systemChromium(): string | null;
export declare function chromiumProblem(): string | null;
export declare function findChromium(): Promise<{ executablePath: string; args: string[]; source: string }>;
