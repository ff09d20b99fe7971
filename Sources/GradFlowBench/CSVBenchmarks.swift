import Foundation
import GradFlow
import GradFlowKernels

/// `csv_load`: `CSVReader.load` on a generated table — 200,000 rows × 31 numeric columns (30 features
/// N(0, 1) with 6 decimals and a class label 0–9), about 57 MB, from a fixed seed — in MB/s of file
/// per second, at each thread count; medians of 5 loads after one warm-up. Also the peak memory one
/// load adds to the process (Linux). The same file is what `scripts/ref_csv.py` reads with pandas and
/// numpy (`make bench-compare`).
func runCSVBenchmarks(options: BenchmarkOptions) -> [BenchmarkRecord] {
    let path = options.csvPath
    let rows = options.quick ? 20_000 : CSVBenchmarkTable.rows
    do { try CSVBenchmarkTable.write(to: path, rows: rows) } catch {
        print("csv benchmarks: cannot write \(path): \(error)")
        return []
    }
    let bytes = Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
    let megabytes = bytes / 1e6
    let floatBytes = Double(rows * CSVBenchmarkTable.columns * 4)
    if !options.json {
        print("\nCSV load: \(rows) rows × \(CSVBenchmarkTable.columns) columns, \(String(format: "%.1f", megabytes)) MB (\(path))")
        print(pad("threads", 8) + pad("MB/s", 10) + pad("s/load", 10) + pad("min MB/s", 10) + pad("max MB/s", 10))
    }
    var records: [BenchmarkRecord] = []
    let shape = "\(rows)x\(CSVBenchmarkTable.columns)"
    for threads in options.threads {
        var rates: [Double] = []
        for index in 0..<(options.quick ? 2 : 6) {
            var loaded = 0
            let seconds = Timing.seconds {
                loaded = (try? CSVReader.load(path: path, target: "label", threads: threads).count) ?? -1
            }
            if loaded != rows { print("csv benchmarks: the load failed (\(loaded) rows)"); return records }
            if index > 0 { rates.append(megabytes / seconds) }   // the first load warms the page cache
        }
        let median = Timing.median(rates)
        records.append(BenchmarkRecord(bench: "csv_load", shape: shape, threads: threads, value: median, unit: "MB/s"))
        if options.json {
            print(records.last!.jsonLine)
        } else {
            print(pad("\(threads)", 8) + pad(String(format: "%.0f", median), 10) + pad(String(format: "%.3f", megabytes / median), 10)
                  + pad(String(format: "%.0f", rates.min() ?? 0), 10) + pad(String(format: "%.0f", rates.max() ?? 0), 10))
        }
    }
    // Peak memory of one more load: the process's high-water mark is reset (Linux: `5` to
    // /proc/self/clear_refs) and read back from /proc/self/status after the load.
    let before = residentKilobytes("VmRSS")
    if let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
        handle.write(Data("5".utf8))
        try? handle.close()
    }
    _ = try? CSVReader.load(path: path, target: "label", threads: options.threads.max() ?? 1)
    if let before, let peak = residentKilobytes("VmHWM") {
        let added = Double(peak - before) * 1024
        records.append(BenchmarkRecord(bench: "csv_peak_memory", shape: shape, threads: options.threads.max() ?? 1,
                                       value: added / 1e6, unit: "MB"))
        if options.json {
            print(records.last!.jsonLine)
        } else {
            print("peak memory added by a load: \(String(format: "%.0f", added / 1e6)) MB (file \(String(format: "%.0f", bytes / 1e6)) MB, mapped, "
                  + "+ float32 data \(String(format: "%.0f", floatBytes / 1e6)) MB; bound 1.5 × data + file = "
                  + "\(String(format: "%.0f", (1.5 * floatBytes + bytes) / 1e6)) MB)")
        }
    }
    return records
}

/// The benchmark's table, written deterministically from a fixed seed.
enum CSVBenchmarkTable {
    static let rows = 200_000
    static let columns = 31

    /// Writes the table unless `path` already holds exactly it (same size and first line).
    static func write(to path: String, rows: Int) throws {
        var generator = RandomGenerator(seed: 2026)
        let header = (0..<(columns - 1)).map { "x\($0)" }.joined(separator: ",") + ",label\n"
        var text = header
        text.reserveCapacity(rows * columns * 10)
        for _ in 0..<rows {
            for _ in 0..<(columns - 1) {
                text += fixedSix(Double(generator.nextNormal()))
                text += ","
            }
            text += String(generator.next() % 10)
            text += "\n"
        }
        let data = Data(text.utf8)
        if let existing = FileManager.default.contents(atPath: path), existing == data { return }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// `value` with six decimals, like `%.6f`.
    private static func fixedSix(_ value: Double) -> String {
        let scaled = Int64((abs(value) * 1e6).rounded())
        let whole = scaled / 1_000_000, fraction = scaled % 1_000_000
        let digits = String(fraction)
        return (value < 0 && scaled != 0 ? "-" : "") + String(whole) + "." + String(repeating: "0", count: 6 - digits.count) + digits
    }
}

/// A `kB` field of /proc/self/status (`VmRSS`, `VmHWM`), or nil where there is none.
private func residentKilobytes(_ field: String) -> Int? {
    // /proc files report size 0, so read them through a handle to their end.
    guard let handle = FileHandle(forReadingAtPath: "/proc/self/status") else { return nil }
    defer { try? handle.close() }
    let status = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
    }
    return nil
}
