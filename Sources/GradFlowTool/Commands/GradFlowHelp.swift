import GradFlow

/// The help texts of the graph-file commands.
enum GradFlowHelp {
    /// The commands with help pages.
    static let commands = ["check", "train", "eval", "predict", "draw", "dot", "plan", "demo"]

    /// `gradflow --version`.
    static let version = "gradflow 0.5.0 (GradFlow, Swift \(swiftVersion))"

    #if swift(>=6.3)
    private static let swiftVersion = "6.3"
    #else
    private static let swiftVersion = "6"
    #endif

    static let overview = """
        usage: gradflow COMMAND [ARGUMENTS]

        commands:
          check FILE                      parse, infer shapes, gradient-check the whole graph
          train FILE [--epochs N] [--batch N] [--seed S] [--save CKPT [--save-every N]] [--resume CKPT | --init W]
                     [--no-guards] [--plot loss.svg] [--distributed mpi [--blocks 4]]
          eval FILE --weights W [--json] [--report report.svg]    loss and metric on the file's held-out data
          predict FILE --weights W --input data.csv|x.npy [--logits] [--precision N]    predictions as CSV on standard output
          draw FILE                       the graph as SVG, drawn by GradFlow (no Graphviz needed)
          dot FILE                        Graphviz DOT of the graph on standard output
          plan FILE [--batch N]           Kahn order and memory plan
          demo NAME                       the built-in demos (xor, regression, iris, …)
          help [COMMAND | ops]            this text, a command's help, or the operation table

        options of every command: --threads N (kernel threads; default $GRADFLOW_THREADS, else all cores),
        --mnist DIR (where 'data mnist' reads; default $GRADFLOW_MNIST), --help / -h (the command's help).
        gradflow --version prints the version.

        Graph files are described in Graphs/README.md. Exit codes: 0 ok, 1 runtime error, 2 usage error.
        """

    /// The help page of `topic`, or nil.
    static func text(for topic: String) -> String? {
        switch topic {
        case "check":
            return """
                usage: gradflow check FILE [--seed S] [--sample N | --all]
                Parses FILE, infers every shape, and compares the analytic gradient of every parameter with
                central finite differences on a random batch of 3. Prints one row per node (name, op, shape,
                max relative error for parameters) and how many entries were checked. Exit 1 if any
                parameter's error is 2e-2 or more.
                By default at most 384 perturbations are made (up to 64 random entries of each parameter;
                in a graph with more than 384 parameters, one random entry of each, perturbed in groups
                along random directions), so the check's time grows linearly with the graph. --sample N
                sets that budget; --all perturbs every entry of every parameter (slow for big graphs).
                """
        case "train":
            return """
                usage: gradflow train FILE [--epochs N] [--batch N] [--seed S] [--save CKPT.safetensors]
                                           [--save-every N] [--resume CKPT.safetensors | --init W.safetensors|W.npz]
                                           [--no-guards] [--plot loss.svg] [--quiet | --log-every N]
                                           [--distributed mpi [--blocks 4]]
                Trains with the file's data and train statements (options override them), printing one line
                per epoch (and a progress bar on a terminal; --log-every N: every N-th epoch and the last;
                --quiet: none), then the final loss and metric on the training and held-out data. --plot
                writes the training curves (loss, validation loss, metric) as SVG.
                --save writes a training checkpoint (weights, optimizer state, random generators, epoch and
                step) at the end, and every N epochs with --save-every N; it is also a weights file for eval
                and predict. Files are written to a temporary name and renamed, so a crash never leaves a
                half-written checkpoint. A checkpoint is written only once this run has completed a training
                step: a run that fails before (no data, a shape that does not fit, a refused resume) leaves an
                existing file byte for byte as it was, and says so.
                --resume continues a run from a checkpoint exactly as if it had not stopped (seed, batch size
                and epochs default to the checkpoint's; --epochs is the total); a file whose optimizer or
                hyper-parameters changed since the checkpoint is refused, naming both. --init starts a new run
                from the parameters of a weights file or checkpoint (by name; missing, extra and mis-shaped
                tensors are listed).
                Ctrl-C finishes the current step, saves a checkpoint (to --save, else FILE-stem.checkpoint.safetensors)
                and exits with status 130, printing the command that resumes; a second Ctrl-C quits at once.
                Numeric guards stop training at the first NaN or infinity, naming the node and step, or when the
                smoothed loss grows 100x over max(its best, 1% of the first loss), keeping the last good
                parameters; --no-guards turns them off.
                --distributed mpi, run under `mpirun -n N`, trains data-parallel on Open MPI: each batch is cut into
                --blocks (4) blocks whose gradients are gathered and summed in block order, so N = 1, 2, 4 train to
                the same weights; rank 0 alone prints and writes checkpoints.
                """
        case "eval":
            return """
                usage: gradflow eval FILE --weights W.safetensors [--json] [--report report.svg] [--seed S]
                Loads the weights into the graph and prints loss and metric on the training and held-out data;
                --json prints one JSON object with the numbers in full precision. --report writes an SVG of the
                held-out predictions: for classifiers the confusion matrix as a heat map with per-class recall
                and, for image inputs (MNIST, or a square number of features such as digits' 8×8), the most
                confident mistakes with their probabilities; for regression predicted vs true and residuals. Accuracy of a binary
                classifier (one logit) counts class 1 when the logit is > 0 (probability > 0.5).
                """
        case "predict":
            return """
                usage: gradflow predict FILE --weights W.safetensors --input data.csv [--logits] [--precision N] [--seed S]
                Reads feature rows from a CSV file (a header line, then numbers; a column named like the file's
                CSV target is ignored), applies the file's standardisation, and writes one CSV row of
                predictions per input row to standard output: for a multi-class classifier `class,p0,p1,…`
                (softmax), for a binary one (one logit, binary_cross_entropy) `class,probability` (the
                sigmoid; class 1 when > 0.5), for regression the values. --logits prints the raw outputs
                instead; numbers are in full precision unless --precision N asks for N decimals.
                """
        case "draw":
            return "usage: gradflow draw FILE > graph.svg\nDraws the graph as SVG: nodes in layers by their Kahn order with operation, name, shape\n"
                + "and parameter count; inputs blue, parameters orange, the loss with a double border."
        case "dot":
            return "usage: gradflow dot FILE\nWrites Graphviz DOT: operations as boxes (name, op, shape), inputs blue, parameters orange.\n"
                + "Render with: gradflow dot FILE | dot -Tsvg > graph.svg"
        case "plan":
            return "usage: gradflow plan FILE [--batch N] [--profile [--steps N]]\nPrints the Kahn order and every planned buffer (value, gradient, scratch) with shape and bytes, and the total.\n"
                + "The batch size defaults to the file's train batch. --profile then times N training steps (default 10) on random data\n"
                + "and prints each node's forward and backward time, GFLOP/s where it counts FLOPs, bytes and share of the step."
        case "demo":
            return "usage: gradflow demo NAME\nTrains one of the built-in demo networks written in Swift."
        case "ops":
            var lines = ["operation             operands            keywords        summary"]
            var aliases: [String] = []
            for operation in OperationRegistry.all.map { $0.operationDescription } {
                let keywords = operation.attributes.map { "\($0.name): \($0.defaultValue.map(String.init(describing:)) ?? "")" }
                lines.append(pad(operation.name, 22) + pad(operation.operands.joined(separator: ", ") + (operation.isVariadic ? ", …" : ""), 20)
                             + pad(keywords.joined(separator: ", "), 16) + operation.summary)
                for attribute in operation.attributes { lines.append(pad("", 22) + "\(attribute.name): \(attribute.help)") }
                aliases += operation.aliases.map { "\($0) = \(operation.name)" }
            }
            lines.append("aliases: " + aliases.sorted().joined(separator: ", "))
            return lines.joined(separator: "\n")
        default:
            return nil
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(width - text.count, 1))
    }
}
