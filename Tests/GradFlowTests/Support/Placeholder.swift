import XCTest
@testable import GradFlow

final class PlaceholderTests: XCTestCase {
    func testPlaceholder() { XCTAssertEqual(1, 1) }
}
