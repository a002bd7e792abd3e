// Checks shared by the optimizers and schedulers, so every bad hyper-parameter fails the same
// clear way, naming the class, the option and the value.
import { describe } from '../check-args.js';

function fail(owner: string, name: string, requirement: string, value: unknown, hint: string): never {
  throw new Error(`simdgrad: ${owner}: ${name} must be ${requirement}, got ${describe(value)}; ${hint}`);
}

export function checkLr(owner: string, lr: unknown): void {
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
    fail(owner, 'lr', 'a finite number >= 0', lr, 'pass a learning rate such as { lr: 0.01 }.');
  }
}

export function checkNonNegative(owner: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(owner, name, 'a finite number >= 0', value, `leave ${name} out to use the default.`);
  }
}

export function checkPositive(owner: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(owner, name, 'a finite number > 0', value, `pass a positive ${name}.`);
  }
}

export function checkPositiveInteger(owner: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    fail(owner, name, 'an integer >= 1', value, `${name} counts scheduler steps (usually epochs).`);
  }
}

export function checkFinite(owner: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(owner, name, 'a finite number', value, `leave ${name} out to use the default.`);
  }
}

/** A decay rate in [0, 1), or [0, 1] when `closed`. */
export function checkRate(owner: string, name: string, value: unknown, closed = false): void {
  const inRange = typeof value === 'number' && value >= 0 && (closed ? value <= 1 : value < 1);
  if (!inRange) fail(owner, name, closed ? 'in [0, 1]' : 'in [0, 1)', value, `leave ${name} out to use the default.`);
}

export function checkBoolean(owner: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean') fail(owner, name, 'true or false', value, `leave ${name} out to use the default (false).`);
}

export function checkBetas(owner: string, betas: unknown): void {
  const valid = Array.isArray(betas) && betas.length === 2 && betas.every((b) => typeof b === 'number' && b >= 0 && b < 1);
  if (!valid) fail(owner, 'betas', 'two numbers in [0, 1)', betas, 'the default is [0.9, 0.999].');
}
