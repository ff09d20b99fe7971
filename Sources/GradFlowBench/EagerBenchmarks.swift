import CMallocCounter
import Foundation
import GradFlow
import GradFlowKernels

/// The eager front door against the planned graph, one kernel thread, mirroring
/// scripts/ref_eager_torch.py:
///
/// - `eager_step` (samples/s) and `alloc_per_step`: one SGD step (lr 0.1) of the MNIST MLP
///   784-128-64-10 at batch 64, written three ways over the same nodes: eagerly with `Variable`s
///   (`:eager`), traced once with `TracedFunction` and replayed (`:traced`), and as a hand-built
///   `Graph` (`:graph`). The eager row is the one joined with PyTorch's eager autograd step.
/// - `eager_op` (µs per call): `a + b` on 4-element variables that require gradients (`add/4`: the
///   per-operation overhead of recording a node), and `((a * b) + a).sum().backward()` (`chain/4`).
///
/// Medians of 5 samples (2 with `--quick`), each ≥ 0.1 s after a warm-up.
func runEagerBenchmarks(options: BenchmarkOptions) -> [BenchmarkRecord] {
    KernelThreads.setCount(1)
    defer { KernelThreads.setCount(KernelThreads.defaultCount()) }
    let data: MLPBenchmarkData
    do { data = try MLPBenchmarkData.load(quick: true) } catch {
        print("eager benchmarks: cannot load data: \(error)")
        return []
    }
    let batches = (0..<32).map { b -> (Tensor, Tensor) in
        let rows = Array(b * 64 ..< (b + 1) * 64)
        return ((try? data.train.features.take(rows)) ?? .zeros([64, 784]), (try? data.train.labels.take(rows)) ?? .zeros([64]))
    }
    var records: [BenchmarkRecord] = []
    if !options.json {
        print("\nEager autograd (Variable) vs traced vs hand-built graph: MLP 784-128-64-10 SGD step at batch 64, 1 thread (medians)")
        print(pad("path", 12) + pad("samples/s", 12) + pad("µs/step", 10) + "allocs/step")
    }
    let (samples, minTime) = options.quick ? (2, 0.05) : (5, 0.1)
    var rates: [String: Double] = [:]
    for path in ["eager", "traced", "graph"] {
        guard let step = try? EagerMLPStep(path: path, example: batches[0]) else {
            print("eager benchmarks: cannot build the \(path) step")
            continue
        }
        var index = 0
        let run = { step.step(batches[index % batches.count]); index += 1 }
        let rate = Timing.median(Timing.rates(work: 64, minTime: minTime, samples: samples, run))
        let before = gradflow_allocation_count()
        for _ in 0..<20 { run() }
        let allocations = before < 0 ? -1 : Double(gradflow_allocation_count() - before) / 20
        rates[path] = rate
        records += BenchmarkRecord.training("eager_step", shape: "784-128-64-10/b64:\(path)", threads: 1, rate: rate,
                                            allocationsPerStep: allocations, printingJSON: options.json)
        if !options.json {
            print(pad(path, 12) + pad(String(format: "%.0f", rate), 12) + pad(String(format: "%.1f", 64e6 / rate), 10)
                  + (allocations < 0 ? "n/a" : String(format: "%.1f", allocations)))
        }
    }
    if !options.json, let traced = rates["traced"], let graph = rates["graph"], let eager = rates["eager"] {
        print(String(format: "traced / hand-built %.3f (target: within noise, 1 ± 0.05); eager / hand-built %.3f", traced / graph, eager / graph))
    }
    // The eager row is also written without its suffix, the shape PyTorch's eager step is joined on.
    if let eager = records.first(where: { $0.bench == "eager_step" && $0.shape.hasSuffix(":eager") }) {
        records.append(BenchmarkRecord(bench: "eager_step", shape: "784-128-64-10/b64", threads: 1, value: eager.value, unit: eager.unit))
    }
    let a = Variable(Tensor([1, 2, 3, 4]), requiresGradient: true), b = Variable(Tensor([4, 3, 2, 1]), requiresGradient: true)
    let operations: [(String, () -> Void)] = [
        ("add/4", { _ = try? a + b }),
        ("chain/4", { try? ((a * b) + a).sum().backward() }),
    ]
    for (shape, body) in operations {
        let perSecond = Timing.median(Timing.rates(work: 1, minTime: minTime, samples: samples, body))
        let record = BenchmarkRecord(bench: "eager_op", shape: shape, threads: 1, value: 1e6 / perSecond, unit: "us/call")
        records.append(record)
        if options.json { print(record.jsonLine) } else { print("eager \(shape): \(String(format: "%.2f", record.value)) µs per call") }
    }
    return records
}

/// One SGD step of the 784-128-64-10 MLP, eager, traced or hand-built, over the same kind of nodes.
private final class EagerMLPStep {
    let path: String
    let parameters: [Variable]
    let sgd: SGD
    var traced: TracedFunction?
    var graph: Graph?
    let features = Input("X", shape: [.batch, 784]), labels = Input("y", shape: [.batch])

    init(path: String, example: (Tensor, Tensor)) throws {
        self.path = path
        var rng = RandomGenerator(seed: 1)
        parameters = [(784, 128), (128, 64), (64, 10)].flatMap { (fanIn, fanOut) in
            [Variable(Initializer.pytorchDefault.tensor(shape: [fanIn, fanOut], fanIn: fanIn, fanOut: fanOut, using: &rng), requiresGradient: true),
             Variable(Initializer.pytorchDefault.tensor(shape: [fanOut], fanIn: fanIn, fanOut: fanOut, using: &rng), requiresGradient: true)]
        }
        sgd = try SGD(learningRate: 0.1)
        switch path {
        case "traced": traced = try TracedFunction(examples: [example.0, example.1]) { v in try softmaxCrossEntropy(self.model(v[0]), v[1]) }
        case "graph":
            let p = parameters.map(\.node)
            let hidden = ReLU(Linear(ReLU(Linear(features, p[0], p[1])), p[2], p[3]))
            graph = try Graph(loss: SoftmaxCE(Linear(hidden, p[4], p[5]), labels))
        default: break
        }
    }

    func model(_ x: Variable) throws -> Variable {
        let h1 = try linear(x, parameters[0], parameters[1]).relu()
        let h2 = try linear(h1, parameters[2], parameters[3]).relu()
        return try linear(h2, parameters[4], parameters[5])
    }

    func step(_ batch: (Tensor, Tensor)) {
        do {
            if let traced {
                try traced.forwardAndBackward([batch.0, batch.1])
                sgd.update(traced.graph.trainables)
            } else if let graph {
                features.value = batch.0
                labels.value = batch.1
                try graph.forwardAndBackward()
                sgd.update(graph.trainables)
            } else {
                for parameter in parameters { parameter.zeroGradient() }
                try softmaxCrossEntropy(model(Variable(batch.0)), Variable(batch.1)).backward()
                sgd.update(parameters.compactMap(\.parameter))
            }
        } catch {
            preconditionFailure("internal: the eager benchmark step failed: \(error)")
        }
    }
}
