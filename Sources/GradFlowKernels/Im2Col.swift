/// The sizes of one 2-D convolution or pooling window over an NCHW image (one sample, one group of
/// channels): input `channels × height × width`, window `kernelHeight × kernelWidth` with stride,
/// dilation and zero padding (`padTop`/`padLeft`; the bottom and right padding only change the
/// output size), output `outputHeight × outputWidth`.
package struct WindowGeometry: Equatable, Sendable {
    package var channels, height, width: Int
    package var kernelHeight, kernelWidth: Int
    package var strideY, strideX: Int
    package var dilationY, dilationX: Int
    package var padTop, padLeft: Int
    package var outputHeight, outputWidth: Int

    package init(channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, strideY: Int, strideX: Int,
                 dilationY: Int, dilationX: Int, padTop: Int, padBottom: Int, padLeft: Int, padRight: Int) {
        (self.channels, self.height, self.width) = (channels, height, width)
        (self.kernelHeight, self.kernelWidth, self.strideY, self.strideX) = (kernelHeight, kernelWidth, strideY, strideX)
        (self.dilationY, self.dilationX, self.padTop, self.padLeft) = (dilationY, dilationX, padTop, padLeft)
        outputHeight = (height + padTop + padBottom - dilationY * (kernelHeight - 1) - 1) / strideY + 1
        outputWidth = (width + padLeft + padRight - dilationX * (kernelWidth - 1) - 1) / strideX + 1
    }

    /// Rows of the column matrix: `channels · kernelHeight · kernelWidth`.
    package var columnRows: Int { channels * kernelHeight * kernelWidth }
    /// Columns of the column matrix: `outputHeight · outputWidth`.
    package var columnCount: Int { outputHeight * outputWidth }
}

/// im2col and col2im: the convolution as a matrix product (`W[out, C·kh·kw] · cols[C·kh·kw, oh·ow]`).
package enum Im2Col {
    /// Writes the column matrix of one image: row `(c, ki, kj)`, column `(oy, ox)` holds
    /// `image[c, oy·sy − pt + ki·dy, ox·sx − pl + kj·dx]`, 0 outside the image. Rows are `rowStride`
    /// floats apart (default `oh·ow`; larger when several images share one matrix side by side).
    package static func columns(of image: UnsafePointer<Float>, _ g: WindowGeometry, into columns: UnsafeMutablePointer<Float>,
                                rowStride: Int? = nil) {
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        let stride = rowStride ?? oh * ow
        var row = 0
        for c in 0..<g.channels {
            let plane = image + c * g.height * g.width
            for ki in 0..<g.kernelHeight {
                for kj in 0..<g.kernelWidth {
                    let out = columns + row * stride
                    let dx = kj * g.dilationX - g.padLeft
                    // The output columns whose input x lies inside the image: [firstX, endX).
                    let firstX = dx >= 0 ? 0 : min(ow, (-dx + g.strideX - 1) / g.strideX)
                    let endX = max(firstX, min(ow, (g.width - dx + g.strideX - 1) / g.strideX))
                    for oy in 0..<oh {
                        let iy = oy * g.strideY - g.padTop + ki * g.dilationY
                        let line = out + oy * ow
                        guard iy >= 0, iy < g.height else { line.update(repeating: 0, count: ow); continue }
                        let source = plane + iy * g.width + dx
                        for ox in 0..<firstX { line[ox] = 0 }
                        if g.strideX == 1 {
                            (line + firstX).update(from: source + firstX, count: endX - firstX)
                        } else {
                            for ox in firstX..<endX { line[ox] = source[ox * g.strideX] }
                        }
                        for ox in endX..<ow { line[ox] = 0 }
                    }
                    row += 1
                }
            }
        }
    }

    /// The adjoint of `columns`: adds every column-matrix entry into the image position it was read
    /// from (positions in the padding are dropped). Rows are `rowStride` floats apart, as for `columns`.
    package static func accumulate(columns: UnsafePointer<Float>, _ g: WindowGeometry, into image: UnsafeMutablePointer<Float>,
                                   rowStride: Int? = nil) {
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        let stride = rowStride ?? oh * ow
        var row = 0
        for c in 0..<g.channels {
            let plane = image + c * g.height * g.width
            for ki in 0..<g.kernelHeight {
                for kj in 0..<g.kernelWidth {
                    let source = columns + row * stride
                    let dx = kj * g.dilationX - g.padLeft
                    let firstX = dx >= 0 ? 0 : min(ow, (-dx + g.strideX - 1) / g.strideX)
                    let endX = max(firstX, min(ow, (g.width - dx + g.strideX - 1) / g.strideX))
                    for oy in 0..<oh {
                        let iy = oy * g.strideY - g.padTop + ki * g.dilationY
                        guard iy >= 0, iy < g.height else { continue }
                        let target = plane + iy * g.width + dx
                        let line = source + oy * ow
                        for ox in firstX..<endX { target[ox * g.strideX] += line[ox] }
                    }
                    row += 1
                }
            }
        }
    }
}
