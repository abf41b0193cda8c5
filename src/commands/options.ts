import type { Command, OptionValues } from '@commander-js/extra-typings';
import type { connectionOptions, outputOptions, planOptions, provisionOptions, settleOption, tokenCreationOptions, waitOptions } from './declarations.js';

/**
 * The options each group of flags adds, inferred from its declaration in `declarations.ts`: a flag renamed there, or misspelt where it is read, is a compile error. Each command's
 * own options (`OktaOptions`…) are inferred there from the whole command.
 */
type Empty = Record<never, never>;
type AddedBy<F extends (command: Command<[], Empty, Empty>, wait: string) => { opts(): OptionValues }> = ReturnType<ReturnType<F>['opts']>;

export type OutputOptions = AddedBy<typeof outputOptions<[], Empty, Empty>>;
export type ConnectionOptions = AddedBy<typeof connectionOptions<[], Empty, Empty>>;
export type WaitOptions = Partial<AddedBy<typeof waitOptions<[], Empty, Empty>>> & Partial<AddedBy<typeof settleOption<[], Empty, Empty>>>;
/** What to provision: okta declares all of it, verify the pushed groups and roles, the others none. */
export type DesiredOptions = Partial<AddedBy<typeof provisionOptions<[], Empty, Empty>>>;

/** What every command that talks to Okta and Cloudflare takes. */
export type SessionOptions = ConnectionOptions & WaitOptions & OutputOptions & DesiredOptions & Partial<TokenCreationOptions>;

/** Saved plans: --dry-run --out FILE, then --plan FILE (every planning command). */
export type PlanFileOptions = AddedBy<typeof planOptions<[], Empty, Empty>>;

/** How a token scim-setup makes is made (okta, rotate-token --create). */
export type TokenCreationOptions = AddedBy<typeof tokenCreationOptions<[], Empty, Empty>>;

export type {
  DemoOptions,
  DestroyOptions,
  MigrateOptions,
  OktaOptions,
  RotateTokenOptions,
  SandboxCommandOptions,
  VerifyOptions,
} from './declarations.js';
