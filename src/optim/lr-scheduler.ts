import { checkNonNegative, checkPositive, checkPositiveInteger } from './hyper-parameters.js';
import { Optimizer } from './optimizer.js';
import { checkOptions, describe } from '../check-args.js';

/** JSON-serialisable scheduler state. */
export interface LRSchedulerStateDict {
  lastEpoch: number;
  baseLrs: number[];
}

/**
 * Base of the learning-rate schedulers, as torch.optim.lr_scheduler.LRScheduler. Creating one
 * records each param group's lr as its base; each step() advances one epoch and writes the new
 * lr into the optimizer's param groups. Like PyTorch's schedulers the update is chainable: each
 * value is derived from the group's current lr, so schedulers compose and a manual change of
 * `group.lr` carries on.
 */
export abstract class LRScheduler {
  /** Steps taken so far (PyTorch's last_epoch): 0 right after construction. */
  lastEpoch = 0;
  private bases: readonly number[];
  private lastLr: number[];

  /** `name` is the class name used in error messages. */
  constructor(readonly optimizer: Optimizer, private readonly name: string) {
    if (!(optimizer instanceof Optimizer)) throw new Error(`simdgrad: ${name}: optimizer must be an optimizer (new optim.SGD(...), optim.Adam, ...), got ${describe(optimizer)}.`);
    this.bases = Object.freeze(optimizer.paramGroups.map((group) => group.lr));
    this.lastLr = [...this.bases];
  }

  /** Each param group's lr when the scheduler was created (PyTorch's base_lrs). */
  get baseLrs(): readonly number[] {
    return this.bases;
  }

  /** The lr of a group at `epoch` (>= 1), from its lr at epoch − 1. */
  protected abstract nextLr(currentLr: number, baseLr: number, epoch: number): number;

  step(): void {
    this.lastEpoch++;
    this.baseLrs.forEach((baseLr, i) => {
      const group = this.optimizer.paramGroups[i]!;
      group.lr = this.nextLr(group.lr, baseLr, this.lastEpoch);
    });
    this.lastLr = this.optimizer.paramGroups.slice(0, this.baseLrs.length).map((group) => group.lr);
  }

  /** The lr of each param group as set by the last step() (or the initial lr). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): LRSchedulerStateDict {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /** Resumes the epoch count; the current lrs come with the optimizer's own loadStateDict(). */
  loadStateDict(state: LRSchedulerStateDict): void {
    const valid = Number.isInteger(state?.lastEpoch) && state.lastEpoch >= 0 && Array.isArray(state.baseLrs)
      && state.baseLrs.length === this.baseLrs.length && state.baseLrs.every((lr) => Number.isFinite(lr) && lr >= 0);
    if (!valid) {
      throw new Error(`simdgrad: ${this.name}.loadStateDict(): expected { lastEpoch: integer >= 0, baseLrs: ${this.baseLrs.length} numbers >= 0 } as returned by stateDict().`);
    }
    this.lastEpoch = state.lastEpoch;
    this.bases = Object.freeze([...state.baseLrs]);
    this.lastLr = this.optimizer.paramGroups.slice(0, this.baseLrs.length).map((group) => group.lr);
  }
}

export interface StepLROptions {
  /** Epochs between two decays (required). */
  stepSize: number;
  /** Factor applied to the lr at each decay. Default 0.1. */
  gamma?: number;
}

/** Multiplies the lr by gamma every stepSize epochs: `lr = baseLr · gamma^⌊epoch / stepSize⌋`. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    super(optimizer, 'StepLR');
    checkOptions('StepLR', options);
    this.stepSize = options?.stepSize;
    this.gamma = options?.gamma ?? 0.1;
    checkPositiveInteger('StepLR', 'stepSize', this.stepSize);
    checkNonNegative('StepLR', 'gamma', this.gamma);
  }

  protected nextLr(currentLr: number, _baseLr: number, epoch: number): number {
    return epoch % this.stepSize === 0 ? currentLr * this.gamma : currentLr;
  }
}

export interface ExponentialLROptions {
  /** Factor applied to the lr every epoch (required). */
  gamma: number;
}

/** Multiplies the lr by gamma every epoch: `lr = baseLr · gamma^epoch`. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    super(optimizer, 'ExponentialLR');
    checkOptions('ExponentialLR', options);
    this.gamma = options?.gamma;
    checkNonNegative('ExponentialLR', 'gamma', this.gamma);
  }

  protected nextLr(currentLr: number): number {
    return currentLr * this.gamma;
  }
}

export interface CosineAnnealingLROptions {
  /** Epochs of one half-period, from the base lr down to etaMin (required). */
  tMax: number;
  /** The lowest lr. Default 0. */
  etaMin?: number;
}

/**
 * Cosine annealing from the base lr to etaMin over tMax epochs (then back up, periodically):
 * `lr = etaMin + (baseLr − etaMin) · (1 + cos(π · epoch / tMax)) / 2`.
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super(optimizer, 'CosineAnnealingLR');
    checkOptions('CosineAnnealingLR', options);
    this.tMax = options?.tMax;
    this.etaMin = options?.etaMin ?? 0;
    checkPositive('CosineAnnealingLR', 'tMax', this.tMax);
    checkNonNegative('CosineAnnealingLR', 'etaMin', this.etaMin);
  }

  // PyTorch's recursive form; at the start of each rising half-period the ratio below would
  // divide by zero, so that step adds the increment directly.
  protected nextLr(currentLr: number, baseLr: number, epoch: number): number {
    const { tMax, etaMin } = this;
    if ((epoch - 1 - tMax) % (2 * tMax) === 0) return currentLr + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    const ratio = (1 + Math.cos((Math.PI * epoch) / tMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / tMax));
    return ratio * (currentLr - etaMin) + etaMin;
  }
}
