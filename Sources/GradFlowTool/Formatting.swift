import Foundation

/// A number with five decimals, the way the demos print losses and accuracies.
func format(_ value: Float) -> String {
    String(format: "%.5f", Double(value))
}
