import Foundation
import GradFlow

/// Runs a `gradflow` graph-file command (`check`, `train`, `eval`, `predict`, `dot`, `plan`, `help`)
/// and returns the exit code: 0 ok, 1 runtime error, 2 usage error; errors go to standard error.
/// - Parameter arguments: the arguments after the program name.
/// - Returns: the exit code, or nil when the first argument is not one of these commands.
func runGradFlow(_ arguments: [String]) -> Int32? {
    guard let command = arguments.first else {
        print(GradFlowHelp.overview)
        return 2
    }
    var rest = Array(arguments.dropFirst())
    do {
        // A command's own help, wherever `--help` or `-h` appears among its arguments.
        if GradFlowHelp.commands.contains(command), command != "demo", rest.contains("--help") || rest.contains("-h"),
           let text = GradFlowHelp.text(for: command) {
            print(text)
            return 0
        }
        if GradFlowHelp.commands.contains(command), command != "demo" { try applyGlobalOptions(&rest) }
        switch command {
        case "--help", "-h": print(GradFlowHelp.overview)
        case "--version": print(GradFlowHelp.version)
        case "help" where rest.first == "demo":
            return nil   // the demo list is main.swift's usage text
        case "help":
            guard let topic = rest.first else { print(GradFlowHelp.overview); return 0 }
            guard let text = GradFlowHelp.text(for: topic) else {
                throw CommandError.usage("no help for '\(topic)'; commands: \(GradFlowHelp.commands.joined(separator: ", ")), ops")
            }
            print(text)
        case "check": try CheckCommand.run(rest)
        case "train": try TrainCommand.run(rest)
        case "eval": try EvalCommand.run(rest)
        case "predict": try PredictCommand.run(rest)
        case "dot": try DotCommand.run(rest)
        case "draw": try DrawCommand.run(rest)
        case "plan": try PlanCommand.run(rest)
        default: return nil
        }
        return 0
    } catch CommandError.usage(let message) {
        writeError(message)
        return 2
    } catch CommandError.runtime(let message) {
        writeError(message)
        return 1
    } catch let error as GraphFileError {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        return 1
    } catch {
        writeError("\(error)")
        return 1
    }
}

/// Takes the options every graph-file command accepts out of `arguments` and applies them:
/// `--threads N` (the kernels' thread budget, as `GRADFLOW_THREADS`) and `--mnist DIR` (where a
/// `data mnist` source reads, as `GRADFLOW_MNIST`).
/// - Throws: `CommandError.usage` for a missing or bad value.
func applyGlobalOptions(_ arguments: inout [String]) throws {
    for name in ["--threads", "--mnist"] {
        while let index = arguments.firstIndex(of: name) {
            guard index + 1 < arguments.count else { throw CommandError.usage("option '\(name)' needs a value") }
            let value = arguments[index + 1]
            arguments.removeSubrange(index...(index + 1))
            if name == "--threads" {
                guard let count = Int(value), count >= 1 else { throw CommandError.usage("option '--threads' needs a whole number ≥ 1, not '\(value)'") }
                ComputeThreads.count = count
            } else {
                setenv(MNIST.environmentVariable, value, 1)
            }
        }
    }
}

/// Writes `gradflow: message` to standard error.
func writeError(_ message: String) {
    FileHandle.standardError.write(Data("gradflow: \(message)\n".utf8))
}
