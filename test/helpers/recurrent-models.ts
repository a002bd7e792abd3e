import { nn, type Tensor } from 'simdgrad';

type Recurrent = nn.RNN | nn.LSTM | nn.GRU;

/**
 * A recurrent layer followed by a Linear on every step's output: the shape of model that
 * exportOnnx takes (one tensor in, one out) around nn.RNN, nn.LSTM or nn.GRU.
 */
export class SequenceTagger extends nn.Module {
  readonly rnn: Recurrent;
  readonly head: nn.Linear;

  constructor(rnn: Recurrent, classes: number) {
    super();
    this.rnn = this.registerModule('rnn', rnn);
    this.head = this.registerModule('head', new nn.Linear(rnn.hiddenSize, classes));
  }

  forward(x: Tensor): Tensor {
    return this.head.forward(this.rnn.forward(x)[0]);
  }
}
