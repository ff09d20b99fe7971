import CMallocCounter
import Foundation
import GradFlow
import GradFlowKernels

/// MNIST CNNs mirroring shared/bench/ref_cnn_torch.py: LeNet-5 (conv 5×5 6 pad 2 → pool → conv 5×5 16 →
/// pool → 120 → 84 → 10) and the Keras example `cnn2` (conv 3×3 32 → conv 3×3 64 → pool → 9216-128-10),
/// ReLU, PyTorch's default init, SGD lr 0.05 momentum 0.9, contiguous slices of a shuffled set, the
/// median over repeated timed runs of `steps` steps each on a fresh model; heap allocations per
/// steady-state step; and a per-node profile (forward and backward share of the step).
func runCNNBenchmarks(options: BenchmarkOptions) -> [BenchmarkRecord] {
    let data: MLPBenchmarkData
    do { data = try MLPBenchmarkData.load(quick: true) } catch {
        print("cnn benchmarks: cannot load data: \(error)")
        return []
    }
    var records: [BenchmarkRecord] = []
    if !options.json {
        print("\nMNIST CNNs [batch, 1, 28, 28], SGD lr 0.05 momentum 0.9, \(data.source)")
        print(pad("model/batch", 14) + pad("threads", 8) + pad("samples/s", 12) + pad("min", 10) + pad("max", 10) + pad("allocs/step", 12))
    }
    for model in ["lenet5", "cnn2"] {
        for batch in [64, 256] {
            let shape = "\(model)/b\(batch)"
            if !options.only.isEmpty, !shape.contains(options.only) { continue }
            let steps = options.quick ? 4 : (model == "lenet5" ? 60 : 8)
            for threads in options.threads {
                KernelThreads.setCount(threads)
                var rates: [Double] = [], allocations: [Double] = []
                for repeatIndex in 0..<(options.quick ? 2 : 3) {
                    let run = CNNTrainingRun(model: model, seed: UInt64(repeatIndex), batch: batch)
                    let result = run.train(on: data.train, steps: steps)
                    rates.append(result.samplesPerSecond)
                    allocations.append(result.allocationsPerStep)
                }
                let (median, allocationsPerStep) = (Timing.median(rates), allocations.max() ?? 0)
                records += BenchmarkRecord.training("cnn_train", shape: shape, threads: threads, rate: median,
                                                    allocationsPerStep: allocationsPerStep, printingJSON: options.json)
                if !options.json {
                    print(pad(shape, 14) + pad("\(threads)", 8) + pad(String(format: "%.0f", median), 12)
                          + pad(String(format: "%.0f", rates.min() ?? 0), 10) + pad(String(format: "%.0f", rates.max() ?? 0), 10)
                          + pad(allocationsPerStep < 0 ? "n/a" : String(format: "%.2f", allocationsPerStep), 12))
                }
            }
            if !options.json, batch == 64 {
                KernelThreads.setCount(options.threads.first ?? 1)
                print(CNNTrainingRun(model: model, seed: 0, batch: batch).profile(on: data.train, steps: model == "lenet5" ? 20 : 3))
            }
        }
    }
    return records
}

/// One fresh CNN and its graph, trained with the raw MiniFlow loop (feed, forwardAndBackward, SGD).
final class CNNTrainingRun {
    let input = Input("X", shape: [.batch, 1, 28, 28])
    let labels = Input("y", shape: [.batch])
    let graph: Graph
    let optimizer: SGD
    let batch: Int

    init(model: String, seed: UInt64, batch: Int) {
        var rng = RandomGenerator(seed: seed)
        var index = 0
        func parameters(_ shape: [Int], fanIn: Int) -> (Parameter, Parameter) {
            index += 1
            return (Parameter("w\(index)", Initializer.pytorchDefault.tensor(shape: shape, fanIn: fanIn, fanOut: shape[0], using: &rng)),
                    Parameter("b\(index)", Initializer.pytorchDefault.tensor(shape: [shape[0]], fanIn: fanIn, fanOut: shape[0], using: &rng)))
        }
        func conv(_ x: Node, _ out: Int, _ inChannels: Int, _ k: Int, padding: Double = 0) -> Node {
            let (w, b) = parameters([out, inChannels, k, k], fanIn: inChannels * k * k)
            return ReLU((try? Conv2D(x, w, b, padding: .number(padding))) ?? x)
        }
        func dense(_ x: Node, _ fanIn: Int, _ fanOut: Int, relu: Bool = true) -> Node {
            let (torchLayout, b) = parameters([fanOut, fanIn], fanIn: fanIn)
            let w = Parameter(torchLayout.name, (try? torchLayout.value.transposed()) ?? torchLayout.value)   // Linear's [in, out]
            let y = Linear(x, w, b)
            return relu ? ReLU(y) : y
        }
        func pool(_ x: Node) -> Node { (try? MaxPool2D(x, kernel: (2, 2))) ?? x }
        let logits: Node
        if model == "lenet5" {
            let h = FlattenNode(pool(conv(pool(conv(input, 6, 1, 5, padding: 2)), 16, 6, 5)))
            logits = dense(dense(dense(h, 400, 120), 120, 84), 84, 10, relu: false)
        } else {
            let h = FlattenNode(pool(conv(conv(input, 32, 1, 3), 64, 32, 3)))
            logits = dense(dense(h, 9216, 128), 128, 10, relu: false)
        }
        do {
            (graph, optimizer) = (try Graph(loss: SoftmaxCE(logits, labels)), try SGD(learningRate: 0.05, momentum: 0.9))
        } catch { print("internal: the benchmark CNN failed to build: \(error)"); exit(3) }
        self.batch = batch
        input.value = Tensor.zeros([batch, 1, 28, 28])
        labels.value = Tensor.zeros([batch])
    }

    /// Copies batch `step` (contiguous rows, wrapping around) of `images` `[n, 1, 28, 28]` into the inputs.
    private func feed(_ step: Int, _ images: Tensor, _ data: Dataset) {
        let start = (step * batch) % max(data.count - batch, 1)
        input.value.copyRows(Array(start..<(start + batch))[...], from: images)
        labels.value.copyRows(Array(start..<(start + batch))[...], from: data.labels)
    }

    private func images(_ data: Dataset) -> Tensor { (try? data.features.reshaped([data.count, 1, 28, 28])) ?? data.features }

    private func update() {
        do { try graph.forwardAndBackward() } catch { preconditionFailure("internal: benchmark step failed: \(error)") }
        optimizer.update(graph.trainables)
    }

    /// Trains `steps` steps after one untimed step (which plans the buffers).
    func train(on data: Dataset, steps: Int) -> (samplesPerSecond: Double, allocationsPerStep: Double) {
        let images = images(data)
        feed(0, images, data)
        update()
        // Feeding builds row lists (allocations of the benchmark's own); count the graph's step alone.
        let before = gradflow_allocation_count()
        update()
        let allocations = before < 0 ? -1 : Double(gradflow_allocation_count() - before)
        let seconds = Timing.seconds { for index in 1...steps { feed(index, images, data); update() } }
        return (Double(steps * batch) / seconds, allocations)
    }

    /// Each node's forward and backward time over `steps` steps (`GraphProfile`).
    func profile(on data: Dataset, steps: Int) -> String {
        feed(0, images(data), data)
        guard let profile = try? GraphProfile(graph: graph, steps: steps) else { return "  (profile failed)" }
        return "  per node (\(steps) steps, batch \(batch)):\n" + profile.text.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
    }
}
