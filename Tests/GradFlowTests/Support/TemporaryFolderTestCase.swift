import XCTest
import Foundation

/// A test case with a fresh temporary folder per test (`folder`), removed afterwards.
class TemporaryFolderTestCase: XCTestCase {
    /// The folder of the running test.
    var folder = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        folder = NSTemporaryDirectory() + "gradflow-\(type(of: self))-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
        try super.tearDownWithError()
    }
}
