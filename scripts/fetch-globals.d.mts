// Types of scripts/fetch-globals.mjs, which vitest.config.ts imports.
export declare const READS_FETCH_GLOBALS: RegExp;
export declare function withFetchGlobals(source: string): string;
