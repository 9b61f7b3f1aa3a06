// The `views` artifact: the augmentation alone, for encoders that come as ONNX files (sslmem/imported/) and
// so cannot have it built into their graph. Same keyed parameters as the train step's augmentation.
import { Graph, concat, gather, reshape, toOnnxBytes } from '../graph';
import { augmentViews, PARAM_COUNT, type AugConfig } from '../augment';

/** The augmentation alone as a graph: images [B,C,H,W] in [0,1] + aug [2,B,P] -> views [2B,C,H,W] (view 0 rows first). */
export function buildViewsGraph(augment: AugConfig, batch: number): Uint8Array {
  const g = new Graph('views');
  const images = g.input('images', [batch, augment.channels, ...augment.inputSize]);
  const aug = g.input('aug', [2, batch, PARAM_COUNT]);
  const views = [0, 1].map((v) => augmentViews(images, reshape(gather(aug, [v], 0), [batch, PARAM_COUNT]), augment));
  g.output('views', concat(views, 0));
  return toOnnxBytes(g, { metadata: { artifact: 'views' } });
}
