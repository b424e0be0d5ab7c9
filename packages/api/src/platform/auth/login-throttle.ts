import { createBudget, rateLimited } from '../http/rate-limit.js';

/** Failures of one account from one address that pass without delay. */
export const FREE_FAILURES = 3;
/** The longest wait between two attempts of one account from one address. */
export const MAX_DELAY_SECONDS = 15 * 60;
/** Failures of one account, from any address, within the hour that make its owner be told (once an hour). */
export const NOTIFY_AFTER_FAILURES = 5;
const HOUR_MS = 3600_000;

/**
 * Sign-in throttling that cannot be turned against the account's owner: failures are counted per
 * (account, address), and past `FREE_FAILURES` each further one makes that pair wait twice as long
 * (1 s, 2 s, 4 s... up to 15 minutes); an address is also capped in failures per hour across every
 * account. Nothing is locked per account, so the right password from another address still signs in.
 * Counts live in Redis when `redisUrl` is set (shared by every process), in memory otherwise.
 */
export function createLoginThrottle(options: { failuresPerAddressPerHour: number; redisUrl?: string | undefined }) {
  const { redisUrl } = options;
  const pairFailures = createBudget({ name: 'login-pair-failures', points: 1_000_000, durationMs: HOUR_MS, redisUrl });
  const pairWait = createBudget({ name: 'login-pair-wait', points: 1, durationMs: MAX_DELAY_SECONDS * 1000, redisUrl });
  const addressFailures = createBudget({ name: 'login-address-failures', points: options.failuresPerAddressPerHour, durationMs: HOUR_MS, redisUrl });
  const accountFailures = createBudget({ name: 'login-account-failures', points: 1_000_000, durationMs: HOUR_MS, redisUrl });
  const ownerTold = createBudget({ name: 'login-owner-told', points: 1, durationMs: HOUR_MS, redisUrl });
  const pair = (account: string, address: string) => `${account}|${address}`;

  return {
    /** Throws 429 (with Retry-After) when this address must wait before trying this account again, or has failed too often. */
    async assertMayTry(account: string, address: string): Promise<void> {
      const [wait, byAddress] = await Promise.all([pairWait.get(pair(account, address)), addressFailures.get(address)]);
      if (wait && wait.consumedPoints > pairWait.points) throw rateLimited(wait.msBeforeNext, 'Too many failed sign-ins to this account from this address');
      if (byAddress && byAddress.consumedPoints >= addressFailures.points) throw rateLimited(byAddress.msBeforeNext, 'Too many failed sign-ins from this address');
    },

    /**
     * Counts a failure; answers how many the account has had this hour (from every address) and
     * whether its owner is to be told now (true once an hour at most).
     */
    async recordFailure(account: string, address: string): Promise<{ accountFailures: number; tellOwner: boolean }> {
      const [byPair, byAccount] = await Promise.all([pairFailures.penalty(pair(account, address), 1), accountFailures.penalty(account, 1), addressFailures.penalty(address, 1)]);
      const beyond = byPair.consumedPoints - FREE_FAILURES;
      if (beyond > 0) await pairWait.block(pair(account, address), Math.min(MAX_DELAY_SECONDS, 2 ** (beyond - 1)));
      let tellOwner = false;
      if (byAccount.consumedPoints >= NOTIFY_AFTER_FAILURES) {
        tellOwner = await ownerTold.consume(account, 1).then(
          () => true,
          () => false,
        );
      }
      return { accountFailures: byAccount.consumedPoints, tellOwner };
    },

    /** Forgets this pair's failures after a successful sign-in. */
    async recordSuccess(account: string, address: string): Promise<void> {
      await Promise.all([pairFailures.delete(pair(account, address)), pairWait.delete(pair(account, address))]);
    },

    /** Forgets the account's failures from every address (after a password reset proves ownership); waits per address run out on their own. */
    async clearAccount(account: string): Promise<void> {
      await accountFailures.delete(account);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
