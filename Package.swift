// swift-tools-version:6.0
import PackageDescription

/// GradFlow: a static computation-graph engine with Kahn topological scheduling.
///
/// Layers, bottom up: CGradFlowKernels (C micro-kernels compiled for AVX2/FMA, chosen at run time)
/// → GradFlowKernels (GEMM, elementwise loops, thread pool) → GradFlow (Tensor, Graph, Nodes,
/// Training, Data) → the `gradflow` tool and the benchmarks. No package dependencies.
let package = Package(
    name: "GradFlow",
    // Linux (any distribution Swift 6 supports) and macOS 15+ (Synchronization's Atomic and Mutex).
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "GradFlow", targets: ["GradFlow"]),
        .executable(name: "gradflow", targets: ["GradFlowTool"]),
    ],
    targets: [
        .target(name: "CGradFlowKernels"),
        .target(name: "GradFlowKernels", dependencies: ["CGradFlowKernels"]),
        // The operation registry's linker-section reader (see OperationRegistry).
        .target(name: "CGradFlowRegistry"),
        .target(name: "GradFlow", dependencies: ["GradFlowKernels", "CGradFlowRegistry"]),
        .executableTarget(name: "GradFlowTool", dependencies: ["GradFlow"]),
        // Counts heap allocations for the benchmark's allocations-per-step figure (bench only).
        .target(name: "CMallocCounter"),
        .executableTarget(name: "GradFlowBench", dependencies: ["GradFlow", "GradFlowKernels", "CMallocCounter"]),
        .testTarget(name: "GradFlowKernelsTests", dependencies: ["GradFlowKernels"]),
        .testTarget(name: "GradFlowTests", dependencies: ["GradFlow"]),
    ]
)
