import Foundation
import GradFlow

/// `gradflow train FILE [--epochs N] [--batch N] [--seed S] [--save CKPT] [--save-every N]
/// [--resume CKPT | --init WEIGHTS] [--no-guards] [--plot loss.svg] [--distributed mpi [--blocks 4]]`.
///
/// `--distributed mpi` (under `mpirun -n N`) trains data-parallel with `DataParallel`: the weights
/// are the same for N = 1, 2, 4 (any divisor of `--blocks`); rank 0 alone prints and writes files.
///
/// `--save` writes a training checkpoint (weights, optimizer state, generators, progress; see
/// `TrainingCheckpoint`) at the end, every `--save-every` epochs, when a numeric guard stops the
/// run, and on Ctrl-C (then to `FILE-stem.checkpoint.safetensors` when `--save` is not given); the
/// checkpoint is also a weights file for `eval`/`predict` — but only once this run has completed a
/// training step, so a run that fails before training never replaces a good checkpoint. `--resume`
/// continues such a run bit for bit: the seed, batch size and epoch count default to the
/// checkpoint's, and a file whose optimizer or hyper-parameters changed since is refused. `--init`
/// starts a new run from the parameters of a weights file or checkpoint, matched by name.
enum TrainCommand {
    static func run(_ arguments: [String]) throws {
        let options = try CommandOptions(arguments, accepted: ["epochs", "batch", "seed", "save", "save-every", "resume", "init", "plot", "log-every",
                                                                    "distributed", "blocks"],
                                         flags: ["no-guards", "quiet"], command: "train")
        let logEvery = try options.integer("log-every")
        let quiet = options.flags.contains("quiet")
        if quiet, logEvery != nil { throw CommandError.usage("'--quiet' prints no epoch lines and '--log-every N' every N-th: give one of them") }
        let path = try options.graphFile("train")
        let save = options.values["save"]
        let saveEvery = try options.integer("save-every")
        if saveEvery != nil, save == nil { throw CommandError.usage("'--save-every N' needs '--save CHECKPOINT' to say where") }
        if options.values["init"] != nil, options.values["resume"] != nil {
            throw CommandError.usage("'--init W' starts a new run from given weights and '--resume CKPT' continues one: give one of them")
        }
        var seed = try options.integer("seed", minimum: 0).map { UInt64($0) }
        let resumed = try options.values["resume"].map { try readCheckpoint($0, seed: &seed) }
        let world = try distributedWorld(options)
        let leader = (world?.rank ?? 0) == 0
        let say = LeaderOutput(prints: leader)   // rank 0 alone prints and writes files
        let session = try GraphSession(path: path, seed: seed, log: leader ? .standardOutput : .silent)
        let trainer = session.trainer
        if let world {
            do { trainer.dataParallel = try DataParallel(communicator: world, blocks: try options.integer("blocks", minimum: 1) ?? 4) } catch {
                throw CommandError.runtime("\(error)")
            }
        }
        trainer.guards = options.flags.contains("no-guards") ? .off : .default
        let spec = session.file.training
        let optimizerText = "\(spec.optimizer) \(describe(spec.hyperparameters))"
        let epochs = try options.integer("epochs") ?? resumed?.metadata["gradflow.epochs"].flatMap { Int($0) } ?? spec.epochs
        // The train statement's schedule, clipping and callbacks (the schedule from the file's lr, also on resume).
        trainer.clipping = spec.clipping
        trainer.callbacks = try spec.makeCallbacks(learningRate: spec.makeOptimizer().learningRate, epochs: epochs)
        let batch = try options.integer("batch") ?? resumed?.progress.batchSize ?? spec.batchSize
        if let resumed, let resume = options.values["resume"] {
            // Resume is explicit: the optimizer and its hyper-parameters must be the ones the run was saved with.
            if let saved = resumed.metadata["gradflow.optimizer"], saved != optimizerText {
                throw CommandError.runtime("\(resume): the run was trained with \(saved), but \(path) now says \(optimizerText); "
                                           + "resume with the file as it was, or start a new run from these weights with '--init \(resume)'")
            }
            do { try trainer.restore(resumed) } catch { throw CommandError.runtime("\(resume): \(error)") }
        }
        if let initial = options.values["init"] {
            do { try trainer.loadParameters(from: initial) } catch { throw CommandError.runtime("\(error)") }
        }
        say("\(path): \(session.data.train.count) training / \(session.data.test.count) held-out examples, "
              + "\(optimizerText), \(epochs) epochs, batch \(batch), seed \(session.seed)")
        if let resumed, let resume = options.values["resume"] {
            say("resuming from \(resume): \(resumed.progress.completedEpochs) epochs and \(resumed.progress.step) steps done, "
                  + "learning rate \(resumed.learningRate) (the checkpoint's, after any schedule)")
        }
        if let initial = options.values["init"] { say("starting from the weights in \(initial) (\(session.file.parameters.count) parameters)") }
        let checkpointPath = save ?? defaultCheckpointPath(for: path)
        let metadata = ["gradflow.graph": path, "gradflow.seed": String(session.seed), "gradflow.epochs": String(epochs),
                        "gradflow.optimizer": optimizerText, "gradflow.world_size": String(world?.size ?? 1)]
            .merging(session.scalerMetadata) { first, _ in first }
        // A checkpoint is written only by a run that completed at least one training step or epoch of
        // its own (resuming a checkpoint taken after an epoch's last step, as older versions could write
        // one, only records that epoch): a run that fails earlier leaves any existing file exactly as it was.
        let (stepsAtStart, epochsAtStart) = (trainer.progress.step, trainer.progress.completedEpochs)
        let trained = { [unowned trainer] in
            trainer.progress.step > stepsAtStart || trainer.progress.completedEpochs > epochsAtStart
        }
        // Epoch lines: every epoch (the default), every N-th and the last (`--log-every N`), or none (`--quiet`).
        if quiet || logEvery != nil || !leader { trainer.log = .silent }
        trainer.epochEnded = { [unowned trainer] epoch, history in
            if let logEvery, epoch % logEvery == 0 || epoch == epochs { say(history.summary(epoch: epoch, of: epochs)) }
            guard leader, let save, let saveEvery, epoch % saveEvery == 0, epoch < epochs else { return }
            try TrainingCheckpoint.write(trainer.trainingState(metadata: metadata), to: save)
            say("saved a checkpoint after epoch \(epoch) to \(save)")
        }
        trainer.interruption = InterruptFlag.installSIGINTHandler()
        defer { InterruptFlag.removeSIGINTHandler() }
        let history: History
        do {
            history = try trainer.fit(session.data.train, epochs: epochs, batchSize: batch, shuffleSeed: session.seed,
                                      validation: session.data.test, metric: session.file.metric)
        } catch let error as TrainerError {
            try stop(after: error, trainer: trainer, path: path, checkpoint: checkpointPath, save: leader ? save : nil, metadata: metadata,
                     trained: trained() && leader, at: spec.location ?? session.file.location(of: session.file.loss))
        } catch {
            throw GraphFileError(.runtime("training failed: \(error)" + unchanged(save)),
                                 at: spec.location ?? session.file.location(of: session.file.loss))
        }
        for case let stopping as EarlyStopping in trainer.callbacks where stopping.stoppedEpoch > 0 {
            say("early stopping after epoch \(stopping.stoppedEpoch): no improvement for \(stopping.patience) epochs"
                  + (stopping.restoreBest ? "; restored the parameters of epoch \(stopping.bestEpoch)" : ""))
        }
        for line in try session.evaluationLines() { say(line) }
        if let parallel = trainer.dataParallel { say(parallel.summary) }
        if let save, leader {
            if trained() {
                try TrainingCheckpoint.write(trainer.trainingState(metadata: metadata), to: save)
                say("saved a training checkpoint (\(session.file.parameters.count) parameters, optimizer state, "
                      + "epoch \(history.epochs)) to \(save)")
            } else {
                say("no training step was run (\(history.epochs) of \(epochs) epochs were already done)" + unchanged(save))
            }
        }
        if let plot = options.values["plot"], leader {
            do { try history.plotSVG(to: plot, title: session.file.fileName) } catch { throw CommandError.runtime("\(error)") }
            say("wrote the training curves to \(plot)")
        }
        world?.finalize()
    }

    /// The MPI world for `--distributed mpi` (nil without the flag).
    private static func distributedWorld(_ options: CommandOptions) throws -> MPICommunicator? {
        guard let mode = options.values["distributed"] else {
            if options.values["blocks"] != nil { throw CommandError.usage("'--blocks N' is for '--distributed mpi'") }
            return nil
        }
        guard mode == "mpi" else { throw CommandError.usage("'--distributed' takes 'mpi' (start the run with mpirun -n N)") }
        do { return try MPICommunicator.world() } catch { throw CommandError.runtime("\(error)") }
    }

    /// Reads the training checkpoint to resume; its seed becomes the run's (a different `--seed`
    /// would split the data differently, so it is a usage error).
    private static func readCheckpoint(_ path: String, seed: inout UInt64?) throws -> TrainingState {
        let state: TrainingState
        do { state = try TrainingCheckpoint.read(from: path) } catch { throw CommandError.runtime("\(error)") }
        if let saved = state.metadata["gradflow.seed"].flatMap({ UInt64($0) }) {
            if let seed, seed != saved {
                throw CommandError.usage("\(path) was trained with seed \(saved); resume it without '--seed' or with '--seed \(saved)'")
            }
            seed = saved
        }
        return state
    }

    /// After `fit` threw: on Ctrl-C, saves a checkpoint and exits with status 130 and how to resume;
    /// after a guard stopped the run, saves the last good state when `--save` was given; then
    /// reports the error at the file's `train` statement.
    private static func stop(after error: TrainerError, trainer: Trainer, path: String, checkpoint: String, save: String?,
                             metadata: [String: String], trained: Bool, at location: SourceLocation) throws -> Never {
        guard trained else { throw GraphFileError(.runtime("training stopped: \(error)" + unchanged(save)), at: location) }
        if case .interrupted = error {
            try TrainingCheckpoint.write(trainer.trainingState(metadata: metadata), to: checkpoint)
            writeError("\(error); saved a checkpoint to \(checkpoint)\n"
                       + "resume with: gradflow train \(path) --resume \(checkpoint) --save \(checkpoint)")
            exit(130)
        }
        var message = "training stopped: \(error)"
        if let save {
            try TrainingCheckpoint.write(trainer.trainingState(metadata: metadata), to: save)
            message += "\nthe last good state was saved to \(save)"
        }
        throw GraphFileError(.runtime(message), at: location)
    }

    /// The note that a failed run wrote no checkpoint: "; no checkpoint was written: ck is unchanged".
    private static func unchanged(_ save: String?) -> String {
        guard let save else { return "" }
        return FileManager.default.fileExists(atPath: save)
            ? "\nno checkpoint was written (this run completed no training step): \(save) is unchanged"
            : "\nno checkpoint was written (this run completed no training step)"
    }

    /// `iris.checkpoint.safetensors` for `Graphs/iris.graph`: where Ctrl-C saves without `--save`.
    static func defaultCheckpointPath(for graph: String) -> String {
        let name = graph.split(separator: "/").last.map(String.init) ?? graph
        let stem = name.hasSuffix(".graph") ? String(name.dropLast(".graph".count)) : name
        return stem + ".checkpoint.safetensors"
    }

    static func describe(_ hyperparameters: [String: Double]) -> String {
        "(" + hyperparameters.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
    }
}

/// `gradflow eval FILE --weights W`.
enum EvalCommand {
    static func run(_ arguments: [String]) throws {
        let options = try CommandOptions(arguments, accepted: ["weights", "seed", "report"], flags: ["json"], command: "eval")
        let path = try options.graphFile("eval")
        guard let weights = options.values["weights"] else { throw CommandError.usage("'eval' needs --weights W.safetensors") }
        let session = try GraphSession(path: path, seed: try options.integer("seed", minimum: 0).map { UInt64($0) }, log: .silent)
        try session.loadWeights(weights)
        if options.flags.contains("json") {
            print(try session.evaluationJSON(graph: path, weights: weights))
        } else {
            for line in try session.evaluationLines() { print(line) }
        }
        if let report = options.values["report"] {
            try SVGPlot.write(try session.reportSVG(), to: report)
            print("wrote the evaluation report to \(report)")
        }
    }
}

/// Standard output for rank 0 of a distributed run (and for every non-distributed run).
private struct LeaderOutput {
    let prints: Bool
    func callAsFunction(_ line: String) { if prints { print(line) } }
}
