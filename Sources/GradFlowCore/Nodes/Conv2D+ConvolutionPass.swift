import GradFlowKernels

extension Conv2D {
    /// One part of a forward pass (`dy` nil) or backward pass over the chunks `part`, `part + parts`, ….
    struct ConvolutionPass: ParallelJob {
        let plan: Plan, groups: Int
        let scratch: UnsafeMutablePointer<Float>
        /// The implicit GEMM's `wᵀ` (or Winograd's `U`) and the input gradient's flipped weights, shared by the parts.
        var shared: UnsafePointer<Float> { UnsafePointer(scratch + plan.sharedOffset) }
        var adjointWeights: UnsafePointer<Float> { UnsafePointer(scratch + plan.adjointWeightsOffset) }
        let x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>?
        let dy: UnsafePointer<Float>?, dx: UnsafeMutablePointer<Float>?
        let computesWeightGradient: Bool

        func runPart(_ part: Int) {
            let g = plan.geometry
            let (groupOutputs, k, p) = (plan.outputs / groups, g.columnRows, g.columnCount)
            let (groupImage, outputs) = (g.channels * g.height * g.width, plan.outputs)
            let imageSize = groups * groupImage
            let slot = scratch + part * plan.slotSize
            let (cols, dcols, result, partial) = (slot, slot + plan.columnGradientOffset, slot + plan.outputOffset, slot + plan.weightOffset)
            let transposed = slot + plan.transposedOffset, transposedWeights = transposed + plan.transposedSize
            if computesWeightGradient {
                partial.update(repeating: 0, count: plan.weightSize)
                transposedWeights.update(repeating: 0, count: plan.transposedWeightSize)
            }
            let partialBias = slot + plan.biasOffset
            if dy != nil { partialBias.update(repeating: 0, count: plan.biasSize) }
            defer {
                if computesWeightGradient, let winograd = plan.winograd {
                    winograd.addWeightGradient(transposedWeights, into: partial)
                } else if computesWeightGradient {
                    plan.implicit?.addTransposed(transposedWeights, into: partial)
                }
            }
            for chunkIndex in Swift.stride(from: part, to: plan.chunks, by: plan.parts) {
                let first = chunkIndex * plan.chunk
                let count = min(plan.chunk, plan.batch - first), width = count * p
                if let dy, plan.biasSize > 0 {   // ∂L/∂b: this part's images, while ∂L/∂y comes into cache
                    for i in 0..<count { for o in 0..<outputs {
                        partialBias[o] += Elementwise.sum(UnsafeBufferPointer(start: dy + ((first + i) * outputs + o) * p, count: p))
                    } }
                }
                for group in 0..<groups {
                    let weights = w + group * groupOutputs * k
                    func image(_ i: Int) -> Int { (first + i) * imageSize + group * groupImage }
                    func outputRow(_ i: Int, _ o: Int) -> Int { ((first + i) * outputs + group * groupOutputs + o) * p }
                    if let padded = plan.padded {   // direct, implicit GEMM or Winograd: image by image from a padded copy
                        for i in 0..<count where y != nil || computesWeightGradient {
                            // Without padding the implicit GEMM and Winograd read the image itself.
                            let source = plan.readsImageInPlace ? x + image(i) : UnsafePointer(cols)
                            // Winograd's weight gradient reads a channels-last copy instead.
                            if !plan.readsImageInPlace, y != nil || plan.winograd == nil { padded.copy(x + image(i), g, into: cols) }
                            switch (plan.algorithm, y, b, dy) {
                            case (.direct(let kernel), let y?, let b?, _):
                                DirectConvolution.forward(kernel, padded: cols, padded, g, weights: w, outputs: outputs, bias: b,
                                                          into: y + outputRow(i, 0))
                            case (.direct(let kernel), _, _, let dy?):
                                DirectConvolution.accumulateWeightGradient(kernel, padded: cols, padded, g, outputGradient: dy + outputRow(i, 0),
                                                                           outputs: outputs, into: partial)
                            case (.implicitGEMM, let y?, let b?, _):
                                plan.implicit?.forward(padded: source, weights: shared, into: transposed)
                                plan.implicit?.storePlanes(transposed, bias: b, into: y + outputRow(i, 0))
                            case (.winograd, let y?, let b?, _):
                                plan.winograd?.forward(padded: source, weights: shared, bias: b, into: y + outputRow(i, 0),
                                                       scratch: slot + plan.winogradOffset)
                            case (.winograd, _, _, let dy?):
                                let channelsLast = slot + plan.channelsLastOffset
                                plan.winograd?.copyChannelsLast(x + image(i), into: channelsLast)
                                plan.winograd?.loadPlanes(dy + outputRow(i, 0), into: transposed)
                                plan.winograd?.accumulateWeightGradient(channelsLast: channelsLast, outputGradient: transposed,
                                                                        into: transposedWeights, scratch: slot + plan.winogradGradientOffset)
                            case (.implicitGEMM, _, _, let dy?):
                                plan.implicit?.loadPlanes(dy + outputRow(i, 0), into: transposed)
                                plan.implicit?.accumulateWeightGradient(padded: source, outputGradient: transposed, into: transposedWeights)
                            default: preconditionFailure("Conv2D: no kernel for \(plan.algorithm)")
                            }
                        }
                        if y != nil || dx == nil { continue }
                        if let adjoint = plan.inputGradient, let dx, let dy {   // ∂L/∂x as a convolution of ∂L/∂y
                            for i in 0..<count {
                                adjoint.accumulate(dy + outputRow(i, 0), into: dx + image(i), weights: adjointWeights,
                                                   scratch: slot + plan.adjointOffset)
                            }
                            continue
                        }
                    }
                    if let y, let b {   // forward: y = W · cols + b
                        for i in 0..<count { Im2Col.columns(of: x + image(i), g, into: cols + i * p, rowStride: width) }
                        gemm(m: groupOutputs, n: width, k: k, a: weights, lda: k, b: cols, ldb: width, c: result, ldc: width)
                        for o in 0..<groupOutputs {
                            let bias = b[group * groupOutputs + o]
                            for i in 0..<count {
                                let (from, to) = (result + o * width + i * p, y + outputRow(i, o))
                                for j in 0..<p { to[j] = from[j] + bias }
                            }
                        }
                        continue
                    }
                    guard let dy else { return }
                    for o in 0..<groupOutputs { for i in 0..<count {   // ∂L/∂y of the chunk as [O/G, count·p]
                        (result + o * width + i * p).update(from: dy + outputRow(i, o), count: p)
                    } }
                    if computesWeightGradient, plan.algorithm == .im2colGEMM {   // ∂L/∂w += ∂L/∂y · colsᵀ
                        for i in 0..<count { Im2Col.columns(of: x + image(i), g, into: cols + i * p, rowStride: width) }
                        gemm(transposeB: true, m: groupOutputs, n: k, k: width, a: result, lda: width, b: cols, ldb: width,
                             c: partial + group * groupOutputs * k, ldc: k, accumulate: true)
                    }
                    if let dx {   // ∂L/∂cols = Wᵀ · ∂L/∂y, then col2im into ∂L/∂x
                        gemm(transposeA: true, m: k, n: width, k: groupOutputs, a: weights, lda: k, b: result, ldb: width, c: dcols, ldc: width)
                        for i in 0..<count { Im2Col.accumulate(columns: dcols + i * p, g, into: dx + image(i), rowStride: width) }
                    }
                }
            }
        }
    }
}
