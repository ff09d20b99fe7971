import GradFlow

/// `gradflow check FILE`: shapes and a finite-difference gradient check of the whole graph.
enum CheckCommand {
    static func run(_ arguments: [String]) throws {
        let options = try CommandOptions(arguments, accepted: ["seed", "sample"], flags: ["all"], command: "check")
        let path = try options.graphFile("check")
        let file = try GraphFile.load(path: path)
        let seed = UInt64(try options.integer("seed", minimum: 0) ?? 0)
        if options.flags.contains("all"), options.values["sample"] != nil {
            throw CommandError.usage("'check' takes --all or --sample N, not both")
        }
        let coverage: GradientCheck.Coverage = options.flags.contains("all") ? .all
            : try options.integer("sample").map { .sampled($0) } ?? GradientCheck.defaultCoverage
        let report: GradientCheckReport
        do { report = try GradientCheckReport(graph: file.graph, batchSize: 3, seed: seed, coverage: coverage) } catch {
            throw GraphFileError(.runtime("the gradient check could not run: \(error)"), at: file.location(of: file.loss))
        }
        print("\(path): \(file.graph.nodes.count) nodes, \(file.parameters.count) parameters, loss '\(file.loss.name)', output '\(file.output.name)'")
        print(report.text, terminator: "")
        print(report.coverageText)
        guard report.passed else {
            throw CommandError.runtime("gradient check FAILED: an analytic gradient differs from finite differences by \(report.tolerance) or more")
        }
        print("gradient check passed (loss \(fixedText(report.loss, 5)) on a random batch of 3)")
    }
}

/// `gradflow dot FILE`: Graphviz DOT on standard output.
enum DotCommand {
    static func run(_ arguments: [String]) throws {
        let options = try CommandOptions(arguments, accepted: [], command: "dot")
        let file = try GraphFile.load(path: try options.graphFile("dot"))
        print(DOTWriter.dot(for: file.graph, title: file.fileName), terminator: "")
    }
}

/// `gradflow draw FILE`: the graph as SVG on standard output, drawn by GradFlow.
enum DrawCommand {
    static func run(_ arguments: [String]) throws {
        let options = try CommandOptions(arguments, accepted: [], command: "draw")
        let file = try GraphFile.load(path: try options.graphFile("draw"))
        print(file.graph.svg(title: file.fileName), terminator: "")
    }
}

/// `gradflow plan FILE [--batch N]`: the Kahn order and the memory plan.
enum PlanCommand {
    static func run(_ arguments: [String]) throws {
        let options = try CommandOptions(arguments, accepted: ["batch", "steps"], flags: ["profile"], command: "plan")
        let file = try GraphFile.load(path: try options.graphFile("plan"))
        let batch = try options.integer("batch") ?? file.training.batchSize
        let report: PlanReport
        do { report = try PlanReport(graph: file.graph, batchSize: batch) } catch {
            throw GraphFileError(.runtime("cannot plan for batch \(batch): \(error)"), at: file.location(of: file.loss))
        }
        print("Kahn order: " + file.graph.nodes.map(\.name).joined(separator: " → "))
        print("Memory plan for batch \(batch):")
        print(report.text, terminator: "")
        print("total \(report.totalBytes) bytes (\(PlanReport.humanBytes(report.totalBytes)))")
        guard options.flags.contains("profile") else { return }
        // Random data of the right kinds (class indices for softmax_ce labels, …), then timed steps.
        var generator = RandomGenerator(seed: 1)
        for input in file.graph.inputs where input.shape.contains(.batch) {
            input.value = GradientCheckReport.randomFeed(for: input, in: file.graph, batchSize: batch, &generator)
        }
        let steps = try options.integer("steps") ?? 10
        do {
            let profile = try GraphProfile(graph: file.graph, steps: steps)
            print("Profile of a training step, batch \(batch) (random data, \(ComputeThreads.count) kernel thread(s)):")
            print(profile.text, terminator: "")
        } catch {
            throw GraphFileError(.runtime("cannot profile: \(error)"), at: file.location(of: file.loss))
        }
    }
}
