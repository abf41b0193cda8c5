import { randomBytes } from 'node:crypto';
import { seated } from '../helpers/people.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';

/**
 * Where the live acceptance suite runs: real Okta and Cloudflare when SCIM_SETUP_LIVE=1 (with the
 * usual env vars), else a sandbox, so that CI proves the harness itself on every run.
 */
export interface LiveTarget {
  kind: 'live' | 'sandbox';
  env: Record<string, string>;
  /** Longest wait for an asynchronous step; on a real org the guided step waits for a person. */
  wait: string;
  /** A user who may be pushed to Cloudflare and removed again. */
  userLogin: string;
  close(): Promise<void>;
}

const REQUIRED = ['OKTA_ORG_URL', 'OKTA_API_TOKEN', 'CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_SCIM_TOKEN', 'CLOUDFLARE_API_TOKEN', 'SCIM_SETUP_LIVE_USER'];

export function liveRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SCIM_SETUP_LIVE === '1';
}

export function missingLiveEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return REQUIRED.filter((name) => !env[name]);
}

/** A name no one else uses, so that what the suite makes is easy to find and safe to remove. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
}

export async function openTarget(env: NodeJS.ProcessEnv = process.env): Promise<LiveTarget> {
  if (liveRequested(env)) {
    const missing = missingLiveEnv(env);
    if (missing.length) throw new Error(`SCIM_SETUP_LIVE=1 needs ${missing.join(', ')}`);
    const pick = Object.fromEntries(
      [...REQUIRED, 'CLOUDFLARE_API_BASE_URL', 'HTTPS_PROXY', 'NO_PROXY', 'NODE_EXTRA_CA_CERTS'].filter((k) => env[k]).map((k) => [k, env[k]!]),
    );
    return { kind: 'live', env: pick, wait: env.SCIM_SETUP_LIVE_WAIT ?? '15m', userLogin: env.SCIM_SETUP_LIVE_USER!, close: async () => {} };
  }
  const sandbox: Sandbox = await startSandbox({ admin: 'auto', adminDelayMs: 300, provisioningDelayMs: 50 });
  // The sandbox's admin reads what the suite's runs print, as the live suite's admin reads the guided step.
  const leave = seated(sandbox.admin);
  const close = async () => {
    leave();
    await sandbox.close();
  };
  return { kind: 'sandbox', env: sandbox.env, wait: '30s', userLogin: [...sandbox.okta.state.users.values()][7].profile.login, close };
}
