/** Plain HTTP to an Okta org with an SSWS token, for what a test does as an admin (not through the CLI). */
export function oktaApi(orgUrl: string, token: string) {
  // biome-ignore lint/suspicious/noExplicitAny: an Okta answer is read by each test as it knows it, with expect
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const r = await fetch(orgUrl + path, {
      method,
      headers: { authorization: `SSWS ${token}`, accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
}
