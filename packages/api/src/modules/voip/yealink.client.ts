/**
 * Yealink's Action URI, the phone's remote control (Administrator's Guide, "Action URI"): an HTTP(S)
 * GET to `/servlet?key=<value>` answered 200 by the phone, with the phone's web login as HTTP Basic
 * authentication (the guide's `http(s)://user:password@<phone>/servlet?...` form). Placing a call is
 * `key=number=<number>` with `outgoing_uri=<account>` naming the SIP account to dial from.
 */
export interface YealinkPhoneAddress {
  host: string;
  https: boolean;
  username: string;
  password: string;
}

/** The phone refused or did not answer; `status` is its HTTP status (0: unreachable). */
export class YealinkError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'YealinkError';
  }
}

const TIMEOUT_MS = 5_000;

/** The Action URI that dials `number` (digits and a leading + only) on the phone. */
export function dialUri(phone: Pick<YealinkPhoneAddress, 'host' | 'https'>, number: string, outgoingUri = ''): string {
  const base = `${phone.https ? 'https' : 'http'}://${phone.host}/servlet`;
  // Yealink reads `key=number=<n>` literally: the number is the key's value, not a parameter of its own.
  const query = `key=number=${encodeURIComponent(number)}${outgoingUri ? `&outgoing_uri=${encodeURIComponent(outgoingUri)}` : ''}`;
  return `${base}?${query}`;
}

/** Sends one Action URI request; resolves on 200, throws YealinkError with what the phone said otherwise. */
export async function sendActionUri(phone: YealinkPhoneAddress, uri: string, signal?: AbortSignal): Promise<void> {
  const auth = Buffer.from(`${phone.username}:${phone.password}`).toString('base64');
  let response: Response;
  try {
    response = await fetch(uri, { headers: { Authorization: `Basic ${auth}` }, signal: signal ?? AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
  } catch (error) {
    throw new YealinkError(`the phone at ${phone.host} did not answer (${(error as Error).message}); check that it is on and that the API may reach it`, 0);
  }
  await response.arrayBuffer().catch(() => undefined);
  if (response.status === 401) throw new YealinkError('the phone refused the user name or password (401)', 401);
  if (response.status === 403) throw new YealinkError("the phone refused remote control (403): add the API's address to Features > Remote Control > Action URI Allow IP List", 403);
  if (response.status !== 200) throw new YealinkError(`the phone answered ${response.status}`, response.status);
}
