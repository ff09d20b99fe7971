import CMallocCounter
import Foundation
import GradFlow
import GradFlowKernels

/// MNIST MLP 784-128-64-10 (ReLU, softmax cross-entropy, plain SGD lr 0.1), mirroring
/// shared/bench/ref_mlp_torch.py: pixels /255; PyTorch's default init U(±1/√fan_in) for weights and
/// biases; one permutation per epoch applied before the timed loop, which also cuts the permuted
/// data into contiguous batches (PyTorch's slices are views: neither loop copies a batch); the last
/// short batch dropped; the median over repeated epochs, each on a fresh model. Also measured: heap
/// allocations per steady-state step (malloc counter) and inference samples/s on the test set.
/// Prints a table (or JSON lines) and returns the records.
func runMLPBenchmarks(options: BenchmarkOptions) -> [BenchmarkRecord] {
    let data: MLPBenchmarkData
    do { data = try MLPBenchmarkData.load(quick: options.quick) } catch {
        print("mlp benchmarks: cannot load data: \(error)")
        return []
    }
    var records: [BenchmarkRecord] = []
    if !options.json {
        print("\nMNIST MLP 784-128-64-10, SGD lr 0.1, \(data.source); \(data.train.count) training samples per epoch")
        print(pad("batch", 6) + pad("threads", 8) + pad("samples/s", 12) + pad("min", 10) + pad("max", 10)
              + pad("µs/step", 10) + pad("allocs/step", 12) + pad("acc (1 epoch)", 14))
    }
    for batch in [64, 512] {
        for threads in options.threads {
            records += runMLPTraining(batch: batch, threads: threads, shape: "784-128-64-10/b\(batch)", data: data, options: options)
        }
        if !options.json {   // the per-layer report: where each thread count spends the step
            for threads in options.threads {
                KernelThreads.setCount(threads)
                print(MLPTrainingRun(seed: 0, batch: batch).profile(on: data, steps: batch == 64 ? 300 : 40, threads: threads))
            }
        }
    }
    // Inference before the busy rows: after them the pool may still be in its serial back-off
    // (up to 0.8 s): two-thread inference measured 343k samples/s after them, 792k before.
    records += runInferenceBenchmark(options: options, data: data)
    // The same with another process spinning: two threads must not lose to one (the pool backs
    // off to serial work when its worker finds its core shared).
    if options.threads.contains(where: { $0 > 1 }), let competitor = CompetingProcess() {
        if !options.json { print("with a competing busy process:") }
        for batch in [64, 512] {
            var rates: [Int: Double] = [:]
            for threads in options.threads {
                let row = runMLPTraining(batch: batch, threads: threads, shape: "784-128-64-10/b\(batch)+busy", data: data, options: options)
                rates[threads] = row.first?.value
                records += row
            }
            if !options.json, let one = rates[1], let two = rates[2] {
                print("batch \(batch), busy core: 2 threads / 1 thread = \(formatted(two / one, 2)) (rule: ≥ 1 within noise)")
            }
        }
        competitor.stop()
    }
    return records
}

/// One training row: the median samples/s of repeated epochs (each on a fresh model) and the
/// allocations per step, printed and returned.
private func runMLPTraining(batch: Int, threads: Int, shape: String, data: MLPBenchmarkData,
                            options: BenchmarkOptions) -> [BenchmarkRecord] {
    let repeats = options.quick ? 2 : 5
    KernelThreads.setCount(threads)
    _ = MLPTrainingRun(seed: 123, batch: batch).trainEpoch(on: data.batches(of: batch, limit: 30))   // warm-up
    var rates: [Double] = []
    var allocations: [Double] = []
    var accuracy: Double = 0
    for repeatIndex in 0..<repeats {
        let run = MLPTrainingRun(seed: UInt64(repeatIndex), batch: batch)
        let epoch = run.trainEpoch(on: data.shuffledBatches(of: batch, seed: UInt64(repeatIndex)))
        rates.append(epoch.samplesPerSecond)
        allocations.append(epoch.allocationsPerStep)
        if repeatIndex == 0 { accuracy = run.accuracy(on: data.test) }
    }
    let (median, allocationsPerStep) = (Timing.median(rates), allocations.max() ?? 0)
    let records = BenchmarkRecord.training("mlp_train", shape: shape, threads: threads, rate: median,
                                           allocationsPerStep: allocationsPerStep, printingJSON: options.json)
    if !options.json {
        print(pad("\(batch)", 6) + pad("\(threads)", 8) + pad(formatted(median, 0), 12)
              + pad(formatted(rates.min() ?? 0, 0), 10) + pad(formatted(rates.max() ?? 0, 0), 10)
              + pad(formatted(1e6 * Double(batch) / median, 1), 10)
              + pad(allocationsPerStep < 0 ? "n/a" : formatted(allocationsPerStep, 2), 12)
              + pad(formatted(100 * accuracy, 2) + "%", 14))
    }
    return records
}

/// Forward-only throughput on the test set, in batches of 512 (printed and returned).
private func runInferenceBenchmark(options: BenchmarkOptions, data: MLPBenchmarkData) -> [BenchmarkRecord] {
    var records: [BenchmarkRecord] = []
    for threads in options.threads {
        KernelThreads.setCount(threads)
        let run = MLPTrainingRun(seed: 0, batch: 512)
        _ = run.trainEpoch(on: data.batches(of: 512, limit: 20))
        let samples = (data.test.count / 512) * 512
        let rates = (0..<(options.quick ? 2 : 5)).map { _ in
            Double(samples) / Timing.seconds { _ = run.accuracy(on: data.test) }
        }
        let median = Timing.median(rates)
        let record = BenchmarkRecord(bench: "mlp_infer", shape: "784-128-64-10/b512", threads: threads, value: median, unit: "samples/s")
        records.append(record)
        if options.json {
            print(record.jsonLine)
        } else {
            print("inference, batch 512, \(threads) thread(s): \(formatted(median, 0)) samples/s")
        }
    }
    return records
}

/// The training and test sets: real MNIST when `GRADFLOW_MNIST` (or ../shared/datasets/mnist) holds
/// it, otherwise random pixels of the same shape (throughput does not depend on the values).
struct MLPBenchmarkData {
    var train: Dataset
    var test: Dataset
    var source: String

    static func load(quick: Bool) throws -> MLPBenchmarkData {
        let candidates = [nil, "../shared/datasets/mnist"]
        for directory in candidates {
            if let (train, test) = try? MNIST.load(directory: directory) {
                let trainCount = quick ? 15_360 : train.count
                return MLPBenchmarkData(train: train.subset(Array(0..<trainCount)), test: test, source: "MNIST")
            }
        }
        var rng = RandomGenerator(seed: 9)
        func synthetic(_ count: Int) throws -> Dataset {
            let labels = Tensor((0..<count).map { _ in Float(rng.next() % 10) })
            return try Dataset(features: .randomUniform([count, 784], using: &rng), labels: labels)
        }
        return MLPBenchmarkData(train: try synthetic(quick ? 15_360 : 60_000), test: try synthetic(10_000),
                                source: "synthetic data (MNIST not found: set GRADFLOW_MNIST)")
    }

    /// The training set in a seeded random order, cut into contiguous batches of `size` (the last
    /// short batch dropped); the permutation and the cut happen before any timing.
    func shuffledBatches(of size: Int, seed: UInt64) -> [Dataset] {
        var rng = RandomGenerator(seed: seed)
        var order = Array(0..<train.count)
        rng.shuffle(&order)
        return cut(order, into: size)
    }

    /// The first `limit` batches of `size` in stored order (warm-up steps).
    func batches(of size: Int, limit: Int) -> [Dataset] {
        cut(Array(0..<min(train.count, size * limit)), into: size)
    }

    private func cut(_ order: [Int], into size: Int) -> [Dataset] {
        stride(from: 0, through: order.count - size, by: size).map { train.subset(Array(order[$0..<($0 + size)])) }
    }
}

/// One fresh model and its graph, trained with the raw MiniFlow loop (feed, forwardAndBackward, SGD).
final class MLPTrainingRun {
    let input = Input("X", shape: [.batch, 784])
    let labels = Input("y", shape: [.batch])
    let logits: Node
    let graph: Graph
    let optimizer: SGD
    let batch: Int

    init(seed: UInt64, batch: Int) {
        var rng = RandomGenerator(seed: seed)
        func layer(_ x: Node, _ fanIn: Int, _ fanOut: Int, _ index: Int) -> Node {
            let weights = Parameter("W\(index)", Initializer.pytorchDefault.tensor(shape: [fanIn, fanOut], fanIn: fanIn, fanOut: fanOut, using: &rng))
            let bias = Parameter("b\(index)", Initializer.pytorchDefault.tensor(shape: [fanOut], fanIn: fanIn, fanOut: fanOut, using: &rng))
            return Linear(x, weights, bias)
        }
        logits = layer(ReLU(layer(ReLU(layer(input, 784, 128, 1)), 128, 64, 2)), 64, 10, 3)
        // The shapes above are fixed and valid, so building and configuring cannot fail.
        guard let graph = try? Graph(loss: SoftmaxCE(logits, labels)), let sgd = try? SGD(learningRate: 0.1) else {
            preconditionFailure("internal: the benchmark MLP failed to build")
        }
        self.graph = graph
        self.optimizer = sgd
        self.batch = batch
        input.value = .zeros([batch, 784])
        labels.value = .zeros([batch])
    }

    /// Trains one epoch over `batches` (each of `batch` rows), feeding each by assignment as
    /// MiniFlow does (`X.value = batch`): the graph reads the batch's storage, no copy.
    func trainEpoch(on batches: [Dataset]) -> (samplesPerSecond: Double, allocationsPerStep: Double) {
        guard let first = batches.first else { return (0, 0) }
        step(first)   // plans the buffers for this batch size outside the timing
        let allocationsBefore = gradflow_allocation_count()
        let seconds = Timing.seconds {
            for slice in batches { step(slice) }
        }
        let allocations = allocationsBefore < 0 ? -1 : Double(gradflow_allocation_count() - allocationsBefore) / Double(batches.count)
        return (Double(batches.count * batch) / seconds, allocations)
    }

    private func step(_ slice: Dataset) {
        input.value = slice.features
        labels.value = slice.labels
        do { try graph.forwardAndBackward() } catch { preconditionFailure("internal: benchmark step failed: \(error)") }
        optimizer.update(graph.trainables)
    }

    /// Each node's forward and backward time over `steps` steps on the first batch (`GraphProfile`).
    func profile(on data: MLPBenchmarkData, steps: Int, threads: Int) -> String {
        data.batches(of: batch, limit: 1).first.map(step)
        guard let profile = try? GraphProfile(graph: graph, steps: steps) else { return "  (profile failed)" }
        return "  per node (\(steps) steps, batch \(batch), \(threads) thread(s)):\n"
            + profile.text.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
    }

    /// Test accuracy, evaluated forward-only in batches of `batch`.
    func accuracy(on data: Dataset) -> Double {
        var correct = 0
        let rows = Array(0..<data.count)
        let batches = data.count / batch
        for index in 0..<batches {
            let slice = rows[(index * batch)..<((index + 1) * batch)]
            input.value.copyRows(slice, from: data.features)
            guard let predicted = try? graph.evaluate(logits).argmax(axis: 1) else { return 0 }
            for (offset, row) in slice.enumerated() where predicted.scalars[offset] == data.labels.scalars[row] { correct += 1 }
        }
        return Double(correct) / Double(max(batches * batch, 1))
    }
}


private func formatted(_ value: Double, _ decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
}
