import Foundation
import GradFlowCore
import GradFlowStorage

/// Reads IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST.
///
/// Layout (big-endian): the magic number `00 00 08 D` (two zero bytes, the type byte `0x08` for
/// `UInt8`, then the number of dimensions `D`), one `UInt32` size per dimension, then the
/// `∏ sizes` data bytes in row-major order. The whole file is read in one go and checked exactly:
/// a wrong magic number, an unexpected dimension count, or a length that is not
/// `4 + 4·D + ∏ sizes` bytes throws a `DataError` that names the file and says what was expected and
/// what was found. The declared sizes are checked against `ResourceLimits.maximumElements` (with
/// overflow-checked arithmetic) before the file's length is compared or anything is copied.
public enum IDXReader {
    /// The raw contents of an IDX file: its dimensions and its bytes, row-major.
    public struct Contents: Equatable, Sendable {
        /// The size of each dimension, as declared in the header (e.g. `[60000, 28, 28]`).
        public var dimensions: [Int]
        /// The data bytes, `dimensions.reduce(1, *)` of them.
        public var bytes: [UInt8]
    }

    /// Reads and checks an IDX file of unsigned bytes.
    /// - Parameters:
    ///   - path: the file to read.
    ///   - dimensionCount: the number of dimensions the file must have (3 for images, 1 for labels),
    ///     or nil to accept any.
    ///   - limits: the most elements the header may declare (`maximumElements`).
    /// - Throws: `DataError.unreadable`, `.badMagicNumber`, `.wrongDimensionCount`, `.wrongFileLength`,
    ///   `.exceedsLimit`.
    public static func read(path: String, dimensionCount: Int? = nil, limits: ResourceLimits = .default) throws(DataError) -> Contents {
        // A regular file no larger than the element bound allows (header ≤ 4 + 4·255 bytes).
        let (bound, overflow) = limits.maximumElements.addingReportingOverflow(4 + 4 * 255)
        let file: MappedFile
        do { file = try MappedFile(path: path, maximumBytes: overflow ? Int.max : bound) } catch {
            throw error.isTooLarge ? .exceedsLimit(file: path, detail: error.reason) : .unreadable(file: path, reason: error.reason)
        }
        return try parse([UInt8](file.bytes), dimensionCount: dimensionCount, file: path, limits: limits)
    }

    /// Parses the bytes of an IDX file; `file` names the source in errors.
    /// - Throws: as `read(path:dimensionCount:limits:)`.
    public static func parse(_ bytes: [UInt8], dimensionCount: Int? = nil, file: String = "<idx>",
                             limits: ResourceLimits = .default) throws(DataError) -> Contents {
        let expectedMagic = "0x000008" + (dimensionCount.map { hex($0) } ?? "nn")
        guard bytes.count >= 4 else {
            throw .wrongFileLength(file: file, expected: 4, found: bytes.count)
        }
        guard bytes[0] == 0, bytes[1] == 0, bytes[2] == 0x08 else {
            throw .badMagicNumber(file: file, expected: expectedMagic, found: "0x" + bytes[0..<4].map { hex(Int($0)) }.joined())
        }
        let rank = Int(bytes[3])
        if let dimensionCount, rank != dimensionCount {
            throw .wrongDimensionCount(file: file, expected: dimensionCount, found: rank)
        }
        let headerLength = 4 + 4 * rank
        guard bytes.count >= headerLength else {
            throw .wrongFileLength(file: file, expected: headerLength, found: bytes.count)
        }
        var dimensions: [Int] = []
        var elementCount = 1
        var bound = 1   // the product with zeros counted as 1: no partial product (e.g. rows·columns) exceeds it
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            let size = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            dimensions.append(size)
            let (product, overflow) = bound.multipliedReportingOverflow(by: max(size, 1))
            guard !overflow, product <= limits.maximumElements else {
                let declared = (0..<rank).map { 4 + 4 * $0 }.map { bytes[$0..<$0 + 4].reduce(0) { $0 << 8 | Int($1) } }
                throw .exceedsLimit(file: file, detail: "the dimensions \(ResourceLimits.describe(declared)) declare more than "
                                    + "the limit of \(limits.maximumElements) elements (ResourceLimits.maximumElements)")
            }
            bound = product
            elementCount *= size   // ≤ bound
        }
        guard bytes.count == headerLength + elementCount else {
            throw .wrongFileLength(file: file, expected: headerLength + elementCount, found: bytes.count)
        }
        return Contents(dimensions: dimensions, bytes: [UInt8](bytes[headerLength...]))
    }

    /// Loads an image file (`[count, rows, columns]`) as a feature matrix `[count, rows·columns]`
    /// with each pixel scaled from `0…255` to `[0, 1]` (`x / 255`).
    /// - Throws: as `read(path:dimensionCount:limits:)` (the file must have 3 dimensions).
    public static func loadImages(path: String, limits: ResourceLimits = .default) throws(DataError) -> Tensor {
        let file = try read(path: path, dimensionCount: 3, limits: limits)
        let count = file.dimensions[0]
        let width = file.dimensions[1] * file.dimensions[2]
        let scalars = [Float](unsafeUninitializedCapacity: file.bytes.count) { buffer, initialized in
            file.bytes.withUnsafeBufferPointer { source in
                for i in 0..<source.count { buffer[i] = Float(source[i]) / 255 }
            }
            initialized = file.bytes.count
        }
        return Tensor(unchecked: [count, width], scalars)
    }

    /// Loads a label file (`[count]`) as class indices `[count]`, each below `classCount`.
    /// - Throws: as `read(path:dimensionCount:limits:)` (the file must have 1 dimension);
    ///   `DataError.malformed` naming the first label that is not below `classCount`.
    public static func loadLabels(path: String, classCount: Int = 10, limits: ResourceLimits = .default) throws(DataError) -> Tensor {
        let file = try read(path: path, dimensionCount: 1, limits: limits)
        if let position = file.bytes.firstIndex(where: { Int($0) >= classCount }) {
            throw .malformed(file: path, detail:
                "label \(file.bytes[position]) at index \(position) is not a class index in 0..<\(classCount)")
        }
        return Tensor(unchecked: [file.bytes.count], file.bytes.map(Float.init))
    }

    private static func hex(_ value: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count < 2 ? "0" + digits : digits
    }
}
