export * from './types';
export { loadDataset, type LoadOptions, type LoadedDataset } from './load';
export { detectSource, type DatasetSource } from './source';
export { readImageFolder, listImageFolder } from './image-folder';
export { readIdxDataset, parseIdx } from './idx';
export { readCifarBatches, type CifarVariant } from './cifar';
export { decodeImage, sniffImageFormat } from './decode-image';
