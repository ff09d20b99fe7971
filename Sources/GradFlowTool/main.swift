import Foundation
import GradFlow

/// `gradflow`: the command-line front door. Exit codes: 0 ok, 1 runtime error, 2 usage error.
let usage = """
    usage: gradflow demo NAME      train a demo network and print its progress
           gradflow --help         show this text

    demos: xor, regression, iris [--data PATH]
    """

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("gradflow: \(message)\n".utf8))
    exit(code)
}

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty || arguments.contains("--help") || arguments.first == "help" {
    print(usage)
    exit(arguments.isEmpty ? 2 : 0)
}
guard arguments.removeFirst() == "demo", let name = arguments.first else {
    fail("unknown command; run 'gradflow --help'", code: 2)
}
arguments.removeFirst()
do {
    switch name {
    case "xor": try XORDemo().run()
    case "regression": try RegressionDemo().run()
    case "iris":
        var demo = IrisDemo()
        if let flag = arguments.firstIndex(of: "--data"), flag + 1 < arguments.count { demo.csvPath = arguments[flag + 1] }
        try demo.run()
    default: fail("unknown demo '\(name)'; demos: xor, regression, iris", code: 2)
    }
} catch {
    fail("\(error)", code: 1)
}
