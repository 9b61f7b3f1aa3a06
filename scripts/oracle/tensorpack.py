"""Reads and writes the small "tensor pack" files exchanged with the TypeScript tests.

Layout: b"TPK1", uint32 little-endian header length, a UTF-8 JSON header, zero padding to a multiple of 8,
then float64 little-endian data. Header: {"meta": {...}, "tensors": [{"name", "shape", "offset"}]} with
offsets counted in float64 elements. float64 keeps both the float32 and the float64 oracle results exact.
"""
import json, struct
import numpy as np

MAGIC = b'TPK1'


def read_pack(path):
    raw = open(path, 'rb').read()
    if raw[:4] != MAGIC:
        raise ValueError(f'{path}: not a tensor pack')
    (hlen,) = struct.unpack('<I', raw[4:8])
    header = json.loads(raw[8:8 + hlen].decode('utf-8'))
    start = (8 + hlen + 7) // 8 * 8
    data = np.frombuffer(raw, dtype='<f8', offset=start)
    tensors = {}
    for t in header['tensors']:
        n = int(np.prod(t['shape'])) if t['shape'] else 1
        tensors[t['name']] = data[t['offset']:t['offset'] + n].reshape(t['shape']).copy()
    return header.get('meta', {}), tensors


def write_pack(path, meta, tensors):
    entries, chunks, off = [], [], 0
    for name, arr in tensors.items():
        a = np.asarray(arr, dtype='<f8')
        entries.append({'name': name, 'shape': list(a.shape), 'offset': off})
        chunks.append(a.ravel())
        off += a.size
    header = json.dumps({'meta': meta, 'tensors': entries}).encode('utf-8')
    pad = (-(8 + len(header))) % 8
    with open(path, 'wb') as f:
        f.write(MAGIC + struct.pack('<I', len(header)) + header + b'\0' * pad)
        if chunks:
            f.write(np.concatenate(chunks).tobytes())
