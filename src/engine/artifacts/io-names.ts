// Names of train-step / encode graph inputs and outputs. One ONNX input per tensor (not flat buffers):
// - a checkpoint, a PyTorch state dict and the graph share names ("conv1.weight"), so nothing maps offsets;
// - with GPU providers each state tensor is a `gpu-buffer` output fed back as the next step's input, which
//   works per tensor without slicing kernels on the device;
// - per-parameter weight decay and optimizer state fall out naturally.
// The probe measured the cost of passing state as flat buffers vs per tensor at ~0.3 ms/step on CPU,
// negligible next to a 100+ ms step, so the simpler layout costs nothing that matters.

export const IMAGES = 'images';
export const AUG = 'aug';
export const LR = 'lr';
export const STEP = 'step';
export const LOSS = 'loss';
export const REPR = 'repr';

export const paramInput = (name: string) => `param/${name}`;
export const bufferInput = (name: string) => `buffer/${name}`;
export const optimizerInput = (slot: string, name: string) => `opt/${slot}/${name}`;
export const extraInput = (name: string) => `extra/${name}`;
export const layerOutput = (name: string) => `layer/${name}`;
/** A train step's output carrying the next value of state input `input`. */
export const nextState = (input: string) => `new/${input}`;

export interface TensorInfo {
  name: string;
  shape: number[];
  dtype: 'float32';
}
