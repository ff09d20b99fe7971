import GradFlow

/// The arguments of one `gradflow` command: positional words, `--name value` options and `--flag`
/// switches, checked against what the command accepts.
struct CommandOptions {
    /// The positional arguments, in order.
    var positional: [String] = []
    /// The options given, by name (without the dashes).
    var values: [String: String] = [:]
    /// The switches given (without the dashes).
    var flags: Set<String> = []

    /// Splits `arguments`; every option in `accepted` takes a value, a switch in `flags` takes none.
    /// - Throws: `CommandError.usage` for an unknown option or one without a value.
    init(_ arguments: [String], accepted: [String], flags switches: [String] = [], command: String) throws(CommandError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--") {
                let name = String(argument.dropFirst(2))
                if switches.contains(name) {
                    flags.insert(name)
                    index += 1
                    continue
                }
                guard accepted.contains(name) else {
                    throw CommandOptions.unknown("--" + name, command: command, options: accepted + switches)
                }
                guard index + 1 < arguments.count else { throw .usage("option '--\(name)' needs a value") }
                values[name] = arguments[index + 1]
                index += 2
            } else if argument.count >= 2, argument.hasPrefix("-"), Double(argument) == nil {
                // A short flag such as `-e`: GradFlow's options are long ones.
                throw CommandOptions.unknown(argument, command: command, options: accepted + switches)
            } else {
                positional.append(argument)
                index += 1
            }
        }
    }

    /// The usage error for an option `command` does not have, with the nearest one it has (by edit
    /// distance, or a long option starting with a short flag's letter) and the list of all.
    static func unknown(_ option: String, command: String, options: [String]) -> CommandError {
        let all = options.map { "--" + $0 }
        let bare = option.drop { $0 == "-" }
        var guess = Suggestion.nearest(to: String(bare), in: options)
        if guess == nil, !option.hasPrefix("--") { guess = options.first { $0.hasPrefix(bare) } }
        var message = "'\(command)' has no option '\(option)'"
        if let guess { message += "; did you mean '--\(guess)'?" }
        if !all.isEmpty { message += " (options: " + all.joined(separator: ", ") + ")" }
        return .usage(message)
    }

    /// The single graph-file argument.
    /// - Throws: `CommandError.usage` when there is none or more than one.
    func graphFile(_ command: String) throws(CommandError) -> String {
        guard positional.count == 1, let file = positional.first else {
            throw .usage("'\(command)' needs one graph file: gradflow \(command) FILE; see 'gradflow help \(command)'")
        }
        return file
    }

    /// A whole-number option at least `minimum`, if given.
    /// - Throws: `CommandError.usage` when it is not such a number.
    func integer(_ name: String, minimum: Int = 1) throws(CommandError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text), value >= minimum else {
            throw .usage("option '--\(name)' needs a whole number ≥ \(minimum), not '\(text)'")
        }
        return value
    }
}

/// Why a command failed: bad usage (exit 2) or a runtime problem (exit 1).
enum CommandError: Error {
    /// The command line is wrong.
    case usage(String)
    /// The command could not do its work (a bad graph file, missing data, a failed check).
    case runtime(String)
}
