// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for GradFlow's readers of outside input. A package of its own so that the main
/// package needs no unsafe flags; build one fuzzer with
/// `swift build -c release --package-path Tests/Fuzz --product FuzzGraphFile -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library`
/// (or run them all with `Tests/Fuzz/run-fuzzers.sh`).
let package = Package(
    name: "GradFlowFuzz",
    products: [
        .executable(name: "FuzzGraphFile", targets: ["FuzzGraphFile"]),
        .executable(name: "FuzzCSV", targets: ["FuzzCSV"]),
        .executable(name: "FuzzIDX", targets: ["FuzzIDX"]),
        .executable(name: "FuzzSafetensors", targets: ["FuzzSafetensors"]),
        .executable(name: "FuzzNumpy", targets: ["FuzzNumpy"]),
    ],
    dependencies: [.package(name: "GradFlow", path: "../..")],
    targets: [
        // Declares libFuzzer's `LLVMFuzzerRunDriver`: SwiftPM renames an executable's `main` to
        // `<Target>_main`, which `-parse-as-library` code does not define, so each fuzzer defines it
        // and hands over to libFuzzer's driver.
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzGraphFile", dependencies: ["CFuzzerDriver", .product(name: "GradFlow", package: "GradFlow")]),
        .executableTarget(name: "FuzzCSV", dependencies: ["CFuzzerDriver", .product(name: "GradFlow", package: "GradFlow")]),
        .executableTarget(name: "FuzzIDX", dependencies: ["CFuzzerDriver", .product(name: "GradFlow", package: "GradFlow")]),
        .executableTarget(name: "FuzzSafetensors", dependencies: ["CFuzzerDriver", .product(name: "GradFlow", package: "GradFlow")]),
        .executableTarget(name: "FuzzNumpy", dependencies: ["CFuzzerDriver", .product(name: "GradFlow", package: "GradFlow")]),
    ]
)
