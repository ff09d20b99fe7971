/// A DEFLATE decoder (RFC 1951: stored, fixed-Huffman and dynamic-Huffman blocks), so that archives
/// written by `np.savez_compressed` open without a compression library.
///
/// Decoding is bounded: the output may not exceed `limit` bytes (the size the archive declares), and
/// every malformed stream — a bad block type, an over-subscribed code, a distance before the start,
/// a truncated input — is `Inflate.Failure` with what was wrong, never a trap.
struct Inflate {
    /// Why a stream could not be decoded.
    struct Failure: Error { let reason: String }

    private let input: UnsafeRawBufferPointer
    private var position = 0, bitBuffer: UInt64 = 0, bitCount = 0
    private var output: [UInt8] = []
    private let limit: Int

    /// Decodes `input`, producing at most `limit` bytes.
    /// - Throws: `Failure` for a malformed or truncated stream, or more output than `limit`.
    static func decompress(_ input: UnsafeRawBufferPointer, limit: Int) throws(Failure) -> [UInt8] {
        var decoder = Inflate(input: input, limit: limit)
        decoder.output.reserveCapacity(Swift.min(limit, (1 << 20) + input.count * 8))   // a declared size is a bound, not a promise
        try decoder.run()
        return decoder.output
    }

    private init(input: UnsafeRawBufferPointer, limit: Int) { (self.input, self.limit) = (input, limit) }

    private mutating func bits(_ count: Int) throws(Failure) -> Int {
        while bitCount < count {
            guard position < input.count else { throw Failure(reason: "the compressed data ends early") }
            bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
        let value = Int(bitBuffer & ((1 << UInt64(count)) - 1))
        bitBuffer >>= UInt64(count)
        bitCount -= count
        return value
    }

    private mutating func run() throws(Failure) {
        var last = false
        while !last {
            last = try bits(1) == 1
            switch try bits(2) {
            case 0: try storedBlock()
            case 1: try huffmanBlock(literals: Inflate.fixedLiterals, distances: Inflate.fixedDistances)
            case 2:
                let (literals, distances) = try dynamicCodes()
                try huffmanBlock(literals: literals, distances: distances)
            default: throw Failure(reason: "block type 3 is reserved")
            }
        }
    }

    private mutating func storedBlock() throws(Failure) {
        (bitBuffer, bitCount) = (0, 0)   // stored blocks start on a byte boundary
        guard position + 4 <= input.count else { throw Failure(reason: "a stored block's header ends early") }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == ~complement & 0xFFFF else { throw Failure(reason: "a stored block's length check fails") }
        position += 4
        guard position + length <= input.count else { throw Failure(reason: "a stored block ends early") }
        guard output.count + length <= limit else { throw Failure(reason: "the data inflates beyond its declared size \(limit)") }
        output.append(contentsOf: input[position..<position + length])
        position += length
    }

    /// A canonical Huffman code: how many codes of each length, and the symbols in code order.
    struct Code {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []

        init(lengths: [Int]) throws(Failure) {
            for length in lengths { counts[length] += 1 }
            counts[0] = 0
            var left = 1
            for length in 1..<16 {
                left = (left << 1) - counts[length]
                guard left >= 0 else { throw Failure(reason: "a Huffman code is over-subscribed") }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, length) in lengths.enumerated() where length > 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }
    }

    private mutating func decode(_ code: Code) throws(Failure) -> Int {
        var (value, first, index) = (0, 0, 0)
        for length in 1..<16 {
            value |= try bits(1)
            let count = code.counts[length]
            if value - count < first { return code.symbols[index + (value - first)] }
            index += count
            first = (first + count) << 1
            value <<= 1
        }
        throw Failure(reason: "an invalid Huffman code")
    }

    private static let fixedLiterals = try! Code(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 })
    private static let fixedDistances = try! Code(lengths: [Int](repeating: 5, count: 30))
    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                       4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private mutating func dynamicCodes() throws(Failure) -> (Code, Code) {
        let (literalCount, distanceCount, lengthCount) = (try bits(5) + 257, try bits(5) + 1, try bits(4) + 4)
        guard literalCount <= 286, distanceCount <= 30 else { throw Failure(reason: "a dynamic block declares too many codes") }
        var codeLengths = [Int](repeating: 0, count: 19)
        for i in 0..<lengthCount { codeLengths[Inflate.codeLengthOrder[i]] = try bits(3) }
        let lengthCode = try Code(lengths: codeLengths)
        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try decode(lengthCode)
            switch symbol {
            case 0..<16: lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else { throw Failure(reason: "a repeat with no previous length") }
                lengths.append(contentsOf: repeatElement(previous, count: 3 + (try bits(2))))
            case 17: lengths.append(contentsOf: repeatElement(0, count: 3 + (try bits(3))))
            default: lengths.append(contentsOf: repeatElement(0, count: 11 + (try bits(7))))
            }
        }
        guard lengths.count == literalCount + distanceCount, lengths[256] > 0 else { throw Failure(reason: "a dynamic block's code lengths are invalid") }
        return (try Code(lengths: Array(lengths[..<literalCount])), try Code(lengths: Array(lengths[literalCount...])))
    }

    private mutating func huffmanBlock(literals: Code, distances: Code) throws(Failure) {
        while true {
            let symbol = try decode(literals)
            if symbol < 256 {
                guard output.count < limit else { throw Failure(reason: "the data inflates beyond its declared size \(limit)") }
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let index = symbol - 257
            guard index < 29 else { throw Failure(reason: "an invalid length code \(symbol)") }
            let length = Inflate.lengthBase[index] + (try bits(Inflate.lengthExtra[index]))
            let distanceSymbol = try decode(distances)
            guard distanceSymbol < 30 else { throw Failure(reason: "an invalid distance code \(distanceSymbol)") }
            let distance = Inflate.distanceBase[distanceSymbol] + (try bits(Inflate.distanceExtra[distanceSymbol]))
            guard distance <= output.count else { throw Failure(reason: "a distance reaches before the start of the data") }
            guard output.count + length <= limit else { throw Failure(reason: "the data inflates beyond its declared size \(limit)") }
            let start = output.count - distance
            for i in 0..<length { output.append(output[start + i]) }
        }
    }
}
