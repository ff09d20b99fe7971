import Foundation

/// Where a training loop reports its progress.
public enum TrainerLog {
    /// Reports nothing (tests).
    case silent
    /// Prints one line per epoch to standard output and, only when standard output is a terminal
    /// (`isatty(1)`), redraws a progress bar during each epoch.
    case standardOutput
    /// Hands each epoch line to a closure (to collect or redirect them); no progress bar.
    case lines((String) -> Void)

    /// Reports one finished line.
    package func write(_ line: String) {
        switch self {
        case .silent: return
        case .standardOutput: print(line)
        case .lines(let sink): sink(line)
        }
    }

    /// Whether to draw a progress bar: standard output, and it is a terminal.
    var showsProgress: Bool {
        if case .standardOutput = self { return isatty(1) != 0 }
        return false
    }

    /// Redraws the progress line in place (carriage return, no newline), unbuffered.
    func drawProgress(_ line: String) {
        FileHandle.standardOutput.write(Data(("\r" + line).utf8))
    }

    /// Erases a progress line of `width` characters, so the epoch line can take its place.
    func clearProgress(width: Int) {
        FileHandle.standardOutput.write(Data(("\r" + String(repeating: " ", count: width) + "\r").utf8))
    }
}
