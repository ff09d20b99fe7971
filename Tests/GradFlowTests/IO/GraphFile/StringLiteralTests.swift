import XCTest
import Foundation
import GradFlow
@testable import GradFlowCore
@testable import GradFlowGraphFiles

/// The one string escaper (`String.quotedLiteral`) writes what the graph-file lexer and JSON read back.
final class StringLiteralTests: XCTestCase {
    private let awkward = "a \"quoted\" C:\\path\nnext\tcolumn\r\u{1}end ü"

    func testQuotedLiteral_readsBackThroughTheGraphFileLexer() throws {
        let statements = try Parser.parse("data csv(\(awkward.quotedLiteral), target: \"y\")\n", file: "t.graph")
        guard case .data(let source)? = statements.first?.kind, case .call(let call) = source,
              case .string(let text, _)? = call.arguments.first else { return XCTFail("\(statements)") }
        XCTAssertEqual(text, awkward)
    }

    func testQuotedLiteral_isJSON() throws {
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(awkward.quotedLiteral)]".utf8)) as? [String]
        XCTAssertEqual(decoded, [awkward])
    }

    func testBadUnicodeEscape_isAnError() {
        XCTAssertThrowsError(try Parser.parse("data csv(\"\\u12\", target: \"y\")\n", file: "t.graph"))
    }
}
