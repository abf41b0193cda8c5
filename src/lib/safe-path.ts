import { RemoteError } from './errors.js';

/** Segments as the services document their paths and ids: letters, digits, `-`, `_`, `.` and `~`; never `.` or `..`. */
const SEGMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * A request path built from ids that came from the wire: refused unless every segment has the
 * shape of a documented id or path word. An id holding `/`, `..`, `?`, `#`, `%` or a line break
 * (a hostile or broken answer) would otherwise steer the request to another resource.
 */
export function checkedPath(service: 'Okta' | 'Cloudflare', path: string): string {
  // A planned request may carry its query (`?deleteTargetGroup=false`): the path part is what ids build.
  const bad = path
    .split('?')[0]
    .replace(/^\//, '')
    .split('/')
    .find((segment) => !SEGMENT.test(segment) || segment === '.' || segment === '..');
  if (bad !== undefined)
    throw new RemoteError(
      `Refused to request ${service} at a path built from an id that is not one: ${JSON.stringify(bad.slice(0, 80))}.`,
      `${service} (or something between you and it) answered with an id outside the documented shape; nothing was sent. Check the network path, then re-run.`,
    );
  return path;
}
