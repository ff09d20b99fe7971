// swift-tools-version:6.3
import PackageDescription

/// GradFlow: a static computation-graph engine with Kahn topological scheduling.
///
/// Layers, bottom up; each target depends only on targets above it in this list, so the compiler
/// enforces the layering (README, "Layout", draws it):
/// CGradFlowKernels (C micro-kernels, chosen at run time) → GradFlowKernels (GEMM, loops, threads)
/// → GradFlowCore (Tensor, Graph, Nodes, the operation registry) → GradFlowStorage (files,
/// safetensors) → GradFlowData (CSV, IDX) → GradFlowInference → GradFlowTraining →
/// GradFlowGraphFiles → GradFlowModels → GradFlowPictures → GradFlow (the umbrella users import)
/// → the `gradflow` tool and the benchmarks. No package dependencies.
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
        .target(name: "GradFlowCore", dependencies: ["GradFlowKernels", "CGradFlowRegistry"]),
        .target(name: "GradFlowStorage", dependencies: ["GradFlowCore"]),
        .target(name: "GradFlowData", dependencies: ["GradFlowCore", "GradFlowStorage"]),
        .target(name: "GradFlowInference", dependencies: ["GradFlowCore"]),
        .target(name: "GradFlowTraining", dependencies: ["GradFlowCore", "GradFlowStorage", "GradFlowData", "GradFlowInference"]),
        .target(name: "GradFlowGraphFiles", dependencies: ["GradFlowCore", "GradFlowStorage", "GradFlowData", "GradFlowInference", "GradFlowTraining"]),
        .target(name: "GradFlowModels", dependencies: ["GradFlowCore", "GradFlowStorage", "GradFlowData", "GradFlowInference", "GradFlowTraining", "GradFlowGraphFiles"]),
        .target(name: "GradFlowPictures", dependencies: ["GradFlowCore", "GradFlowStorage", "GradFlowData", "GradFlowTraining"]),
        .target(name: "GradFlow", dependencies: ["GradFlowCore", "GradFlowStorage", "GradFlowData", "GradFlowInference",
                                                 "GradFlowTraining", "GradFlowGraphFiles", "GradFlowModels", "GradFlowPictures"]),
        .executableTarget(name: "GradFlowTool", dependencies: ["GradFlow"]),
        // Counts heap allocations for the benchmark's allocations-per-step figure (bench only).
        .target(name: "CMallocCounter"),
        // Times a chain of dependent adds, for the bench's machine line (clock, FMA ceiling).
        .target(name: "CBenchMachine"),
        .executableTarget(name: "GradFlowBench", dependencies: ["GradFlow", "GradFlowKernels", "CMallocCounter", "CBenchMachine"]),
        .testTarget(name: "GradFlowKernelsTests", dependencies: ["GradFlowKernels"]),
        .testTarget(name: "GradFlowTests", dependencies: ["GradFlow", "GradFlowKernels", "GradFlowCore", "GradFlowStorage", "GradFlowData", "GradFlowInference",
                                                          "GradFlowTraining", "GradFlowGraphFiles", "GradFlowModels", "GradFlowPictures"],
                    exclude: ["Fixtures"]),   // numpy-written files the tests read by path
    ]
)
