import argon2 from 'argon2';

// argon2id with OWASP's recommended memory cost; verification time is what slows guessing.
const options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password with argon2id (memory-hard). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, options);
}

/** Verifies a password; false for any malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// A fixed hash verified when the email is unknown, so response time does not reveal whether it exists.
let decoy: Promise<string> | undefined;
export async function verifyDecoy(password: string): Promise<false> {
  decoy ??= hashPassword('decoy-password-for-timing');
  await verifyPassword(await decoy, password);
  return false;
}
