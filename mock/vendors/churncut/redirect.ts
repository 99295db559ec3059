/**
 * Why a `redirect_url` cannot be followed, or null when it can. The contract's `uri` format
 * and `^https?://` pattern let through URLs with no host or an impossible port (`https://`,
 * `https://:443`, `http:///path`, `http://x:99999`), which a browser cannot be sent to.
 */
export function redirectUrlProblem(text: string): string | null {
  const authority = /^https?:\/\/([^/?#]*)/.exec(text)?.[1];
  if (authority === undefined) return 'is not an absolute http(s) URL';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const portAt = hostPort.startsWith('[')
    ? hostPort.indexOf(':', hostPort.indexOf(']'))
    : hostPort.lastIndexOf(':');
  const host = portAt < 0 ? hostPort : hostPort.slice(0, portAt);
  const port = portAt < 0 ? '' : hostPort.slice(portAt + 1);
  if (host === '') return 'has no host';
  // RFC 3986 allows an empty port (the scheme's default); any other is 1 to 65535.
  if (port !== '' && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535))
    return `has port "${port}"; a port is a number from 1 to 65535`;
  if (!URL.canParse(text))
    return 'is not a URL a browser can follow (its host is not a valid name or address)';
  return null;
}

/**
 * Where the hosted page sends the customer once a flow is answered: `redirect_url` with
 * `flow_id` and `outcome` added; null when the URL cannot be followed (flows not created
 * through the API), so that the page shows the outcome instead of failing after it is recorded.
 */
export function redirectTarget(
  redirectUrl: string,
  flowId: string,
  outcome: string,
): string | null {
  if (redirectUrlProblem(redirectUrl) !== null) return null;
  const to = new URL(redirectUrl);
  to.searchParams.set('flow_id', flowId);
  to.searchParams.set('outcome', outcome);
  return to.toString();
}
