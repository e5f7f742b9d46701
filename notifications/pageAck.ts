import { randomInt } from 'node:crypto';

// No 0/O, 1/I/L: the code is read off a phone and typed.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A code that acknowledges one page (R18/R24); random, so it cannot be guessed from the ticket. */
export function newAckCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

export function ackUrl(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/$/, '')}/api/pages/${code}/ack`;
}
