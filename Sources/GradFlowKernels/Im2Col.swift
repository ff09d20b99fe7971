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
    /// Calls `body(plane, row, dx, firstX, endX)` for every row `(c, ki, kj)` of the column
    /// matrix and every output row `oy` whose input row `iy` lies inside the image (`lineOffset` is
    /// `iy·width + dx`), and `outside(row, oy)` for the others: the walk `columns` and `accumulate`
    /// share. `[firstX, endX)` are the output columns whose input column lies inside the image.
    @inline(__always)
    private static func walk(_ g: WindowGeometry, inside body: (_ plane: Int, _ row: Int, _ oy: Int, _ lineOffset: Int, _ firstX: Int, _ endX: Int) -> Void,
                             outside: (_ row: Int, _ oy: Int) -> Void) {
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        var row = 0
        for c in 0..<g.channels {
            for ki in 0..<g.kernelHeight {
                for kj in 0..<g.kernelWidth {
                    let dx = kj * g.dilationX - g.padLeft
                    let firstX = dx >= 0 ? 0 : min(ow, (-dx + g.strideX - 1) / g.strideX)
                    let endX = max(firstX, min(ow, (g.width - dx + g.strideX - 1) / g.strideX))
                    for oy in 0..<oh {
                        let iy = oy * g.strideY - g.padTop + ki * g.dilationY
                        if iy >= 0, iy < g.height { body(c * g.height * g.width, row, oy, iy * g.width + dx, firstX, endX) } else { outside(row, oy) }
                    }
                    row += 1
                }
            }
        }
    }

    /// Writes the column matrix of one image: row `(c, ki, kj)`, column `(oy, ox)` holds
    /// `image[c, oy·sy − pt + ki·dy, ox·sx − pl + kj·dx]`, 0 outside the image. Rows are `rowStride`
    /// floats apart (default `oh·ow`; larger when several images share one matrix side by side).
    package static func columns(of image: UnsafePointer<Float>, _ g: WindowGeometry, into columns: UnsafeMutablePointer<Float>,
                                rowStride: Int? = nil) {
        let ow = g.outputWidth
        let stride = rowStride ?? g.outputHeight * ow
        walk(g, inside: { plane, row, oy, offset, firstX, endX in
            let line = columns + row * stride + oy * ow
            let source = image + plane + offset
            for ox in 0..<firstX { line[ox] = 0 }
            if g.strideX == 1 {
                (line + firstX).update(from: source + firstX, count: endX - firstX)
            } else {
                for ox in firstX..<endX { line[ox] = source[ox * g.strideX] }
            }
            for ox in endX..<ow { line[ox] = 0 }
        }, outside: { row, oy in (columns + row * stride + oy * ow).update(repeating: 0, count: ow) })
    }

    /// The adjoint of `columns`: adds every column-matrix entry into the image position it was read
    /// from (positions in the padding are dropped). Rows are `rowStride` floats apart, as for `columns`.
    package static func accumulate(columns: UnsafePointer<Float>, _ g: WindowGeometry, into image: UnsafeMutablePointer<Float>,
                                   rowStride: Int? = nil) {
        let ow = g.outputWidth
        let stride = rowStride ?? g.outputHeight * ow
        walk(g, inside: { plane, row, oy, offset, firstX, endX in
            let (line, target) = (columns + row * stride + oy * ow, image + plane + offset)
            for ox in firstX..<endX { target[ox * g.strideX] += line[ox] }
        }, outside: { _, _ in })
    }
}
