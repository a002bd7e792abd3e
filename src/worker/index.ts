// Training in a Worker, driven from the page: serveTraining() in the worker, startTraining() on the page.
export { serveTraining, type TrainingContext, type TrainingFunction, type ServeTrainingOptions } from './serve-training.js';
export { startTraining, TrainingJob, type TrainingState, type TrainingEvents, type StartTrainingOptions } from './training-job.js';
export type { MessageEndpoint, TrainingProgress } from './protocol.js';
