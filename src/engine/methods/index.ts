// SSL methods: each wraps an Encoder (src/engine/models) into an SslProblem with its own heads and loss.
export { simclr, ntXent, type SimclrOptions } from './simclr';
export { simsiam, type SimsiamOptions } from './simsiam';
export { byol, type ByolOptions } from './byol';
export { mae, sampleMaskKeep, type MaeOptions } from './mae';
export { stopGradient, StopGradient } from './stop-gradient';
