/** What the sandbox tells a fleet config: where the services are, and each account's ID and API token. */
export interface FleetSource {
  oktaUrl: string;
  apiBaseUrl: string;
  accounts: Array<{ accountId: string; env: Record<string, string> }>;
}

/**
 * Pure: a fleet config for the sandbox's accounts (`sandbox --fleet-config FILE`), and the env
 * lines of the tokens it names. Each account's API token may make its SCIM token, so none is
 * named: scim-setup makes one per account. The tokens stay out of the file, as in real use.
 */
export function sandboxFleetConfig(source: FleetSource): { text: string; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const accounts = source.accounts.map((a, i) => {
    const variable = `CLOUDFLARE_API_TOKEN_${i + 1}`;
    env[variable] = a.env.CLOUDFLARE_API_TOKEN;
    return { name: `account-${i + 1}`, accountId: a.accountId, apiTokenEnv: variable };
  });
  const config = {
    okta: { orgUrl: source.oktaUrl },
    cloudflare: { apiBaseUrl: source.apiBaseUrl },
    pushGroups: [{ name: 'Engineering', roles: ['Administrator Read Only'] }],
    accounts,
  };
  return { text: `${JSON.stringify(config, null, 2)}\n`, env };
}
