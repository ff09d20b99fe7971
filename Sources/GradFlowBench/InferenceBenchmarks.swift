import CMallocCounter
import Foundation
import GradFlow
import GradFlowKernels

/// Prediction latency and throughput of the MNIST MLP 784-128-64-10 (random weights; the time does
/// not depend on them), one kernel thread, mirroring scripts/ref_infer_torch.py:
///
/// - `mlp_latency` (µs per call) at batch 1, and `mlp_infer` (samples/s) at batch 64 and 512, for
///   `Sequential.predict(_:into:)`, `InferenceSession.predict(_:into:)` from 1 thread and from 2
///   threads calling concurrently (`threads` = callers, each call on one kernel thread), and the
///   graph-file path (a `GraphFile` behind an `InferenceSession`);
/// - `alloc_per_call` (malloc counter) for each path at each batch size, in steady state.
///
/// Medians of 5 samples, each ≥ 0.05 s of back-to-back calls after a warm-up.
func runInferenceBenchmarks(options: BenchmarkOptions) -> [BenchmarkRecord] {
    KernelThreads.setCount(1)
    defer { KernelThreads.setCount(KernelThreads.defaultCount()) }
    let model = Sequential(seed: 1) {
        Dense(128, activation: .relu)
        Dense(64, activation: .relu)
        Dense(10)
    }
    let file: GraphFile
    let session: InferenceSession, fileSession: InferenceSession
    do {
        try model.build(inputShape: [784])
        session = try InferenceSession(model: model)
        file = try GraphFile(source: """
            input X [batch, 784]
            input y [batch]
            param W1 [784, 128] pytorch
            param b1 [128] pytorch
            param W2 [128, 64] pytorch
            param b2 [64] pytorch
            param W3 [64, 10] pytorch
            param b3 [10] pytorch
            logits = linear(relu(linear(relu(linear(X, W1, b1)), W2, b2)), W3, b3)
            loss = softmax_ce(logits, y)
            """)
        fileSession = try InferenceSession(graph: file.graph, input: try file.featuresInput(), output: file.output)
    } catch {
        print("inference benchmarks: cannot build the model: \(error)")
        return []
    }
    var rng = RandomGenerator(seed: 7)
    if !options.json {
        print("\nMLP 784-128-64-10 prediction, 1 kernel thread per call (medians; µs per call at batch 1, samples/s above)")
        print(pad("path", 34) + pad("batch", 7) + pad("callers", 8) + pad("value", 12) + pad("unit", 11) + "allocs/call")
    }
    var records: [BenchmarkRecord] = []
    for batch in [1, 64, 512] where options.only.isEmpty || "784-128-64-10/b\(batch)".hasSuffix(options.only) {
        let x = Tensor.randomUniform([batch, 784], using: &rng)
        let paths: [(String, Int, Caller)] = [
            ("Sequential.predict(into:)", 1, .one({ out in _ = try? model.predict(x, into: &out) })),
            ("InferenceSession.predict(into:)", 1, .one({ out in _ = try? session.predict(x, into: &out) })),
            ("InferenceSession.predict(into:)", 2, .many({ out in _ = try? session.predict(x, into: &out) })),
            ("graph file + InferenceSession", 1, .one({ out in _ = try? fileSession.predict(x, into: &out) })),
        ]
        for (name, callers, call) in paths {
            let (perCall, allocations) = measure(call, callers: callers, samples: options.quick ? 2 : 5, minTime: options.quick ? 0.01 : 0.05)
            let latency = batch == 1
            let value = latency ? perCall * 1e6 : Double(batch * callers) / perCall
            // The session row is the one joined with PyTorch's; the other paths are marked in the shape.
            let path = name.hasPrefix("Sequential") ? ":sequential" : name.hasPrefix("graph") ? ":graphfile" : ""
            let shape = "784-128-64-10/b\(batch)" + path
            records.append(BenchmarkRecord(bench: latency ? "mlp_latency" : "mlp_infer", shape: shape, threads: callers,
                                           value: value, unit: latency ? "us/call" : "samples/s"))
            records.append(BenchmarkRecord(bench: "alloc_per_call", shape: shape, threads: callers, value: allocations, unit: "allocations"))
            if options.json {
                print(records[records.count - 2].jsonLine)
                print(records[records.count - 1].jsonLine)
            } else {
                print(pad(name, 34) + pad("\(batch)", 7) + pad("\(callers)", 8) + pad(String(format: latency ? "%.2f" : "%.0f", value), 12)
                      + pad(latency ? "µs/call" : "samples/s", 11) + String(format: "%.2f", allocations))
            }
        }
    }
    return records
}

/// How a path is called: from this thread, or from several at once (a `Sendable` closure).
private enum Caller {
    case one((inout Tensor) -> Void)
    case many(@Sendable (inout Tensor) -> Void)
}

/// One output tensor per calling thread; each thread touches only its own element.
private struct Outputs: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Tensor>
}

/// Seconds per call (per caller) and heap allocations per call, with `callers` threads calling
/// back to back, each into its own output tensor (sized by the warm-up, so steady-state calls
/// reshape nothing). For concurrent callers, what `concurrentPerform` itself allocates is measured
/// on an empty body and subtracted.
private func measure(_ caller: Caller, callers: Int, samples: Int, minTime: Double) -> (Double, Double) {
    let outputs = Outputs(pointer: .allocate(capacity: callers))
    outputs.pointer.initialize(repeating: Tensor.zeros([0]), count: callers)
    defer { outputs.pointer.deinitialize(count: callers); outputs.pointer.deallocate() }
    func run(_ repetitions: Int) {
        switch caller {
        case .one(let call):
            for _ in 0..<repetitions { call(&outputs.pointer[0]) }
        case .many(let call):
            DispatchQueue.concurrentPerform(iterations: callers) { index in
                for _ in 0..<repetitions { call(&outputs.pointer[index]) }
            }
        }
    }
    run(20)                                                  // warm-up: plans, pool replicas, output shapes
    var repetitions = 1
    while Timing.seconds({ run(repetitions) }) < minTime { repetitions *= 2 }
    let times = (0..<samples).map { _ in Timing.seconds { run(repetitions) } / Double(repetitions) }
    var overhead = 0.0
    if callers > 1 {
        let before = gradflow_allocation_count()
        DispatchQueue.concurrentPerform(iterations: callers) { _ in }
        overhead = Double(gradflow_allocation_count() - before)
    }
    let before = gradflow_allocation_count()
    run(repetitions)
    let allocations = max(0, Double(gradflow_allocation_count() - before) - overhead) / Double(repetitions * callers)
    return (Timing.median(times), allocations)
}
