import type { CloudflareClient } from '../cloudflare/client.js';
import { createAccountToken, proveMadeRecord, proveMadeToken, revokeAccountToken, rollAccountToken } from '../cloudflare/account-tokens.js';
import { checkScimToken, proveScimWrite } from '../cloudflare/scim-proof.js';
import { AuthError, RemoteError } from '../lib/errors.js';
import type { Inputs } from '../lib/inputs.js';
import { writeFileAtomic } from '../lib/output-file.js';
import { pollUntil } from '../lib/poll.js';
import type { Reporter } from '../lib/reporter.js';
import { renderManualStep, type ManualStep, type TokenOrigin } from '../plan/guided-step.js';
import type { MakeScimToken } from '../plan/operations.js';
import { tokenCreateBody } from '../plan/scim-token.js';
import { resolveTokenName } from '../plan/token-ownership.js';

/**
 * The steps that make a SCIM token and hand it to a person, shared by the commands that give Okta
 * a token: okta (its first token) and rotate-token (a new one).
 */

/** The SCIM token as the run holds it: given, or made by its first step (never in a result, a plan or a file). */
export interface HeldScimToken {
  value?: string;
  /** Set when this run made (or adopted) the token. */
  /** `usableHere`: false where Cloudflare refuses its value from this machine's address (outside the token's ranges). */
  made?: { id: string; proof: string; client: CloudflareClient; usableHere: boolean };
}

/** What making a token needs of the run. */
export interface TokenMakingDeps {
  /** CLOUDFLARE_API_TOKEN's client, which makes the token; absent when one was given. */
  tokenApi?: CloudflareClient;
  inputs: Inputs;
  /** A client on a token this run made. */
  clientFor(token: string): CloudflareClient;
  /** The SCIM token for Okta; `made` once this run has made it. */
  scimToken: HeldScimToken;
  /** The SCIM token's client: replaced by the made token's once it is proved. */
  scim: CloudflareClient;
  signal: AbortSignal;
}

/**
 * Where the person doing the guided step finds the token: the variable they set, or for a token this
 * run made, the file --token-out names (written now, mode 600: only the step needs it), or nowhere.
 */
export async function handoverOrigin(held: HeldScimToken, tokenEnv: string | undefined, tokenOut: string | undefined): Promise<TokenOrigin> {
  if (held.made === undefined) return { env: tokenEnv ?? 'CLOUDFLARE_SCIM_TOKEN' };
  if (tokenOut === undefined) return 'made';
  await writeFileAtomic(tokenOut, `${heldValue(held)}\n`);
  return { file: tokenOut };
}

/** A guided step on the screen: the token in it shown only where a person asked for it (--reveal-token), else redacted as all output is. */
export function showStep(reporter: Reporter, step: ManualStep, revealed?: string): void {
  const text = `\n${renderManualStep(step)}\n`;
  if (revealed !== undefined) reporter.reveal(text, revealed);
  else reporter.info(text);
}

export function heldValue(held: HeldScimToken): string {
  if (!held.value) throw new RemoteError('internal: no SCIM token to hand to Okta (the plan makes one before provisioning)');
  return held.value;
}

/**
 * Makes the SCIM token (or adopts an earlier run's by rolling it), proves it is the token asked for
 * (read back: bound to the app, SCIM Provisioning on this account alone, the life asked) and that it
 * may read and write SCIM, and only then revokes scim-setup's other tokens for the app and lets Okta
 * be given it. A just-made token may take a moment to be known everywhere, so a refusal as unknown is
 * asked again for a short while.
 */
export async function makeScimToken(op: MakeScimToken, appId: string, deps: TokenMakingDeps, progress: (text: string) => void): Promise<string> {
  const api = deps.tokenApi;
  const creation = deps.inputs.tokenCreation;
  if (!api || !creation) throw new RemoteError('internal: a token to make, and no CLOUDFLARE_API_TOKEN or token settings');
  const name = resolveTokenName(op.name, appId);
  let id: string;
  let value: string;
  if (op.adopt) {
    value = await rollAccountToken(api, op.adopt);
    id = op.adopt;
  } else {
    const made = await createAccountToken(api, tokenCreateBody(name, deps.inputs.accountId, op.permissionGroupId, creation, new Date(api.clock.now())));
    value = made.value;
    id = made.token.id;
  }
  const client = deps.clientFor(value);
  const expectation = { accountId: deps.inputs.accountId, scimGroupId: op.permissionGroupId, creation, now: new Date(api.clock.now()) };
  progress(`proving the new token ${id} is the one asked for, and may read and write SCIM`);
  const proof = await pollUntil(
    () =>
      proveMadeToken(api, client, { id, appId, name }, expectation)
        .then(() => checkScimToken(client))
        .catch((error: unknown) => {
          if (error instanceof AuthError && error.refusal === 'unknown-token') return undefined;
          if (error instanceof AuthError && error.refusal === 'outside-ip-ranges') return outsideRanges(error);
          throw error;
        }),
    { clock: api.clock, waitMs: 30_000, signal: deps.signal, waitingFor: 'Cloudflare to accept the new token' },
  );
  if (!proof)
    throw new RemoteError(`Cloudflare made token ${id} but does not accept it yet.`, 'Re-run the same command in a minute: it adopts the token it made.');
  let how: string;
  if (typeof proof === 'string') {
    how = `read back as asked; ${proof}; ${await proveScimWrite(client, { tokenEnv: 'the token this run made' })}`;
    // From here the token Okta gets is the one that writes roles too.
    deps.scim = client;
  } else {
    // Cloudflare refuses the value from this machine for its address alone, which it says only of a token it knows: the
    // rest is proved from the record (its one right, SCIM Provisioning on this account; its life; its ranges), and the
    // value's use by Okta's first SCIM request, which verify reads from the audit log.
    await proveMadeRecord(api, { id, appId, name }, expectation);
    how = `record read back as asked; its value cannot be used from this machine (${proof.address}, outside its ranges): Okta's first SCIM request with it proves it`;
  }
  // Okta holds none of these (okta makes its token only before Okta has one): revoked once the new one is proved.
  for (const old of op.revoke) await revokeAccountToken(api, old);
  deps.scimToken.value = value;
  deps.scimToken.made = typeof proof === 'string' ? { id, proof, client, usableHere: true } : { id, proof: how, client, usableHere: false };
  return `${op.adopt ? 'rolled' : 'made'} token ${id}, ${how}`;
}

/** A refusal of this machine's address, kept as what it proves: Cloudflare knows the token and applies its ranges. */
function outsideRanges(error: AuthError): { address: string } {
  return { address: error.location ?? 'its address' };
}
