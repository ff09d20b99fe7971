import GradFlow

/// PyTorch's conv2d, written out: zero padding (top, bottom, left, right), stride, dilation, groups.
func referenceConvolution(_ x: Tensor, _ w: Tensor, _ b: Tensor, stride: (Int, Int), pads: (Int, Int, Int, Int),
                           dilation: (Int, Int), groups: Int) -> Tensor {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
    let oh = (h + pads.0 + pads.1 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
    let ow = (wd + pads.2 + pads.3 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
    let og = o / groups
    var out = [Float](repeating: 0, count: n * o * oh * ow)
    for s in 0..<n { for oc in 0..<o { for i in 0..<oh { for j in 0..<ow {
        var sum = b.scalars[oc]
        let group = oc / og
        for ci in 0..<cg { for ki in 0..<kh { for kj in 0..<kw {
            let y = i * stride.0 - pads.0 + ki * dilation.0, xx = j * stride.1 - pads.2 + kj * dilation.1
            guard y >= 0, y < h, xx >= 0, xx < wd else { continue }
            sum += w.scalars[((oc * cg + ci) * kh + ki) * kw + kj] * x.scalars[((s * c + group * cg + ci) * h + y) * wd + xx]
        } } }
        out[((s * o + oc) * oh + i) * ow + j] = sum
    } } } }
    return try! Tensor(shape: [n, o, oh, ow], scalars: out)
}
