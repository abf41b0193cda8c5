declare const __VERSION__: string | undefined;

/** The package version, set at build time where the build defines it. */
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0';
