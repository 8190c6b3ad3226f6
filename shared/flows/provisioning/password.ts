import { randomBytes } from 'node:crypto';
import { registerSecretValue } from '../../runtime/logger.ts';

/** 32 characters from a 192-bit random value; registered so no log line can ever carry it. */
export function generatePassword(): string {
  const password = randomBytes(24).toString('base64url');
  registerSecretValue(password);
  return password;
}
