// Password hashing with argon2id (OWASP's recommended parameters: 19 MiB, 2 iterations, 1 lane).
import { hash, verify } from "@node-rs/argon2";

// Algorithm.Argon2id is an ambient const enum, which isolated modules cannot read: 2 is its value.
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verifying against this when the account does not exist keeps the response time of an unknown e-mail equal to
// that of a wrong password, so timing does not tell which accounts exist.
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hash("not-a-real-password-0", OPTIONS);
  await verifyPassword(await dummyHash, password);
  return false;
}
