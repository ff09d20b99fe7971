import Foundation
import GradFlow

/// `gradflow`: the command-line front door. Exit codes: 0 ok, 1 runtime error, 2 usage error.
let usage = """
    usage: gradflow demo NAME [OPTIONS]   train a demo network and print its progress
           gradflow demo --help           show this text (gradflow --help: the graph-file commands)

    demos:
      xor          2-3-1 ReLU network on the four XOR points (the seed's numpy network)
      regression   Linear(1 → 1) on y = 2x + 1 + noise (the seed's Keras example)
      iris         4-16-3 sigmoid classifier, resampled minibatches (the seed's MiniFlow)
      digits       64-64-10 ReLU on the 8×8 UCI digits, 20% held out
      wine         13-16-3 ReLU on the UCI wine data (standardised), 20% held out
      diabetes     10-16-1 ReLU regression (standardised features and target), R² on 20% held out
      mnist        784-128-64-10 ReLU, SGD lr 0.1 batch 64 (the seed's PyTorch network)
      lenet5       LeNet-5 on MNIST images (Sequential with Convolution2D, MaxPooling2D), Adam, 10 epochs
      cnn          the Keras example CNN on MNIST (conv 32, conv 64, max-pool, dropout, dense 128), Adam

    options (where they apply):
      --epochs N              passes over the training data
      --optimizer sgd|adam    default sgd (lr 0.1); adam uses lr 0.001
      --schedule constant|cosine|step   learning-rate schedule (mnist; adam defaults to cosine)
      --lr X  --batch N  --seed N
      --data PATH             the CSV file (iris, digits, wine, diabetes)
      --mnist DIR             the MNIST directory (default: $GRADFLOW_MNIST)
    """

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("gradflow: \(message)\n".utf8))
    exit(code)
}

/// The demos by name.
let demos: [String: (DemoOptions) throws -> Void] = [
    "xor": { _ in try XORDemo().run() },
    "regression": { _ in try RegressionDemo().run() },
    "iris": { options in
        var demo = IrisDemo()
        if let path = options.dataPath { demo.csvPath = path }
        if let epochs = options.epochs { demo.epochs = epochs }
        try demo.run()
    },
    "digits": { try DigitsDemo(options: $0).run() },
    "wine": { try WineDemo(options: $0).run() },
    "diabetes": { try DiabetesDemo(options: $0).run() },
    "mnist": { try MNISTDemo(options: $0).run() },
    "lenet5": { try LeNetDemo(options: $0).run() },
    "cnn": { try KerasCNNDemo(options: $0).run() },
]

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments == ["help", "demo"] { arguments = ["demo", "--help"] }
if let code = runGradFlow(arguments) { exit(code) }   // graph-file commands: check, train, … (Commands/)
guard arguments.first == "demo" else {
    let word = arguments.first ?? ""
    let hint = Suggestion.nearest(to: word, in: GradFlowHelp.commands + ["help"]).map { "; did you mean '\($0)'?" } ?? ""
    fail("unknown command '\(word)'\(hint); run 'gradflow --help'", code: 2)
}
arguments.removeFirst()
if arguments.contains("--help") || arguments.contains("-h") || arguments.first == "help" {
    print(usage)
    exit(0)
}
guard let name = arguments.first else {
    print(usage)
    exit(2)
}
arguments.removeFirst()
guard let demo = demos[name] else {
    let names = demos.keys.sorted()
    let hint = Suggestion.nearest(to: name, in: names).map { "; did you mean '\($0)'?" } ?? ""
    fail("unknown demo '\(name)'\(hint) (demos: \(names.joined(separator: ", ")))", code: 2)
}
let options: DemoOptions
do { options = try DemoOptions(parsing: arguments) } catch { fail(error.description, code: 2) }
do {
    try demo(options)
} catch {
    fail("\(error)", code: 1)
}
