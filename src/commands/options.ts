/**
 * Each command's options as commander parses them (camel-cased flags): typed once here, so that a
 * misspelt option is a compile error, in the commands and in `demo`, which builds okta's options.
 */
export type OutputOptions = {
  json?: boolean;
  /** false with --no-color. */
  color?: boolean;
  debug?: boolean;
  record?: string;
  recordRedactPii?: boolean;
  redactPii?: boolean;
};

export type ConnectionOptions = {
  orgUrl?: string;
  accountId?: string;
  apiBaseUrl?: string;
  oktaTokenFile?: string;
  oktaClientId?: string;
  oktaKeyId?: string;
  oktaPrivateKeyFile?: string;
  scimTokenFile?: string;
  cloudflareTokenFile?: string;
  config?: string;
  /** --account NAME (repeatable): the accounts of a fleet config to act on. */
  account?: string[];
  appLabel?: string;
};

export type WaitOptions = {
  wait?: string;
  maxWait?: string;
  requestTimeout?: string;
  settle?: string;
};

export type DesiredOptions = {
  assignGroup?: string[];
  assignUser?: string[];
  pushGroup?: string[];
  role?: string[];
};

/** What every command that talks to Okta and Cloudflare takes. */
export type SessionOptions = ConnectionOptions & WaitOptions & OutputOptions & DesiredOptions;

/** Saved plans: --dry-run --out FILE, then --plan FILE (every planning command). */
export type PlanFileOptions = { dryRun?: boolean; out?: string; plan?: string; planSha256?: string };

export type OktaOptions = SessionOptions &
  PlanFileOptions &
  TokenCreationOptions & {
    detailedExitcode?: boolean;
    yes?: boolean;
    revealToken?: boolean;
    /** false with --no-verify. */
    verify?: boolean;
    junit?: string;
  };

export type VerifyOptions = SessionOptions & { since: string; junit?: string };

export type DestroyOptions = SessionOptions &
  PlanFileOptions & { yes?: boolean; deleteCloudflareGroups?: boolean; deprovisionUsers?: boolean; revokeScimToken?: boolean };

export type MigrateOptions = SessionOptions & PlanFileOptions & { yes?: boolean; namePrefix?: string };

/** How a token scim-setup makes is made (okta, rotate-token --create). */
export type TokenCreationOptions = { scimTokenTtl?: string; scimTokenAllowCidr?: string[] };

export type RotateTokenOptions = SessionOptions & PlanFileOptions & TokenCreationOptions & { yes?: boolean; revealToken?: boolean; create?: boolean };

export type SandboxCommandOptions = OutputOptions & {
  accounts: string;
  fleetConfig?: string;
  oktaPort: string;
  cloudflarePort: string;
  seed?: string;
  connectionApi?: 'supported' | 'unsupported';
  admin?: 'auto' | 'manual';
  latency: string;
  listingLag?: string;
  stampOffset?: string;
  oktaSkew?: string;
  cloudflareSkew?: string;
  jitter?: string;
  rateLimitScale: string;
  compare?: string;
};

export type DemoOptions = OutputOptions & { accounts?: string };
