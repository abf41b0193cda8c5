/** A value quoted for an Okta search or a SCIM filter: backslashes and quotes escaped, as both read them (RFC 7644 §3.4.2.2). */
export function filterString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
