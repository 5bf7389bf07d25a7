/**
 * The HOST:PORT of `serve --tcp` and `viz --listen`, parsed one way with exact messages, and
 * what to say when the host is a wildcard (0.0.0.0 or ::): that binds every network interface,
 * which deserves a warning, and the address itself is not one a client can connect to.
 */
import { networkInterfaces } from 'node:os';
import { CliError } from './output.ts';

/** Default host: loopback only, so nothing is exposed to the network by accident. */
export const LOOPBACK_HOST = '127.0.0.1';

/** A parsed listen address; port 0 means any free port. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parse HOST:PORT, [IPv6]:PORT, :PORT or PORT (host 127.0.0.1), port 0..65535, for the option
 * `option` (e.g. "--tcp"); `examplePort` goes into the hint. Throws a CliError saying what is wrong.
 */
export function parseListenAddress(text: string, option: string, examplePort: number): ListenAddress {
  const bad = (why: string) =>
    new CliError(`"${option}" ${why}; expected HOST:PORT such as ${LOOPBACK_HOST}:${examplePort} (or :${examplePort} for ${LOOPBACK_HOST}, :0 for any free port), got "${text}"`);
  const t = text.trim();
  let host: string;
  let portText: string | undefined;
  if (/^\d+$/.test(t)) {
    [host, portText] = ['', t];
  } else if (t.startsWith('[')) {
    const m = /^\[([^\]]*)\](?::(.*))?$/.exec(t);
    if (!m) throw bad('has an unclosed "[" around its IPv6 host');
    [host, portText] = [m[1]!, m[2]];
    if (!/^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(?:%[\w.-]+)?$/.test(host)) throw bad(`has an invalid IPv6 host "${host}"`);
  } else {
    const colon = t.lastIndexOf(':');
    [host, portText] = colon < 0 ? [t, undefined] : [t.slice(0, colon), t.slice(colon + 1)];
    if (host.includes(':')) throw bad('has an IPv6 host without brackets (write it as [::1]:PORT)');
    if (host !== '' && !/^[\w.-]+$/.test(host)) throw bad(`has an invalid host "${host}"`);
  }
  if (portText === undefined || portText === '') throw bad('has no port');
  if (!/^\d+$/.test(portText)) throw bad(`port must be a number 0..65535, not "${portText}"`);
  const port = Number(portText);
  if (port > 65535) throw bad(`port must be 0..65535, not ${portText}`);
  return { host: host || LOOPBACK_HOST, port };
}

/** True for a host that binds every interface: 0.0.0.0, :: (or an all-zero IPv6 spelling). */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || (host.includes(':') && /^[0:]+$/.test(host));
}

/** The warning line for a wildcard bind (no "warning: " prefix). */
export function wildcardWarning(option: string, host: string, what: string): string {
  return `"${option}" ${host} listens on every network interface: anyone who can reach this machine can ${what}; use ${LOOPBACK_HOST} to keep it to this machine`;
}

/** Hosts a client can actually connect to for a listen host: itself, or for a wildcard 127.0.0.1 and this machine's addresses. */
export function connectableHosts(host: string, interfaces = networkInterfaces()): { local: string; others: string[] } {
  if (!isWildcardHost(host)) return { local: host, others: [] };
  const ipv6 = host.includes(':');
  const others = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && (a.family === 'IPv4' || (ipv6 && !a.address.startsWith('fe80'))))
    .map((a) => a.address);
  return { local: LOOPBACK_HOST, others };
}

/** `scheme://host:port` with an IPv6 host in brackets. */
export function urlOf(scheme: string, host: string, port: number, path = ''): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
}
