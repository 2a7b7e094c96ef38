import bcrypt from "bcryptjs";

// bcrypt with cost 10: ~50 ms per check on these cores, enough to slow guessing.
const COST = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
