import Foundation

/// Log-returns of a historical price series on the simulation's step grid, for the `replay` and
/// `bootstrap` models.
///
/// The series (timestamp, price) is read as a step function: the price at time t is the last
/// observation at or before t. Sampling it every step from the first timestamp gives prices
/// p₀, p₁, …, and the step returns rₖ = ln(pₖ₊₁/pₖ). The data must be at least as fine as the
/// step (median spacing ≤ step), so no step's move is invented by interpolation.
public struct HistoricalReturns: Sendable, Equatable {
    /// One log-return per step of the grid.
    public var returns: [Double]
    /// The step (seconds) the returns were sampled on.
    public var stepSeconds: Double

    public init(returns: [Double], stepSeconds: Double) {
        self.returns = returns
        self.stepSeconds = stepSeconds
    }

    /// A problem in a price file: the line (1-based), the column (field, 1-based) if it is about
    /// a field, and what is wrong.
    public struct LineError: Error, Equatable, Sendable {
        public var line: Int
        public var column: Int?
        public var message: String

        public init(line: Int, column: Int? = nil, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }

        /// `3` or `3, column 2`, for messages (after the file name and a colon).
        public var location: String { column.map { "\(line), column \($0)" } ?? "\(line)" }
    }

    /// Parses CSV text with the header `timestamp,price`: timestamps as Unix seconds or ISO 8601
    /// (`2025-10-10T21:00:00Z`), strictly increasing; prices > 0. Returns the samples.
    public static func parse(_ text: String) throws(LineError) -> [(time: Double, price: Double)] {
        var samples: [(time: Double, price: Double)] = []
        var sawHeader = false
        let iso = ISO8601DateFormatter()
        let csv = CSVRecords(text)
        for record in csv.records {
            let lineNumber = record.line, trimmed = record.text, fields = record.fields
            if !sawHeader {
                guard fields == ["timestamp", "price"] else {
                    throw LineError(line: lineNumber, message: "the first line must be the header 'timestamp,price', found \(ErrorText.quoted(trimmed))")
                }
                sawHeader = true
                continue
            }
            guard fields.count == 2 else {
                throw LineError(line: lineNumber, message: "expected 2 fields (timestamp,price), found \(fields.count) in \(ErrorText.quoted(trimmed))")
            }
            let time: Double
            if let seconds = CSVRecords.decimal(fields[0]), seconds.isFinite {
                time = seconds
            } else if Self.looksLikeISO8601(fields[0]), let date = iso.date(from: fields[0]) {
                time = date.timeIntervalSince1970
            } else {
                throw LineError(line: lineNumber, column: 1, message: "timestamp \(ErrorText.quoted(fields[0])) is neither Unix seconds nor ISO 8601 (e.g. 2025-10-10T21:00:00Z)")
            }
            guard let price = CSVRecords.decimal(fields[1]) else {
                throw LineError(line: lineNumber, column: 2, message: "price \(ErrorText.quoted(fields[1])) must be a number > 0; expected a decimal number such as 61250 or 6.125e4")
            }
            guard price.isFinite, price > 0 else {
                throw LineError(line: lineNumber, message: "price \(ErrorText.quoted(fields[1])) must be a number > 0")
            }
            if let last = samples.last, time <= last.time {
                throw LineError(line: lineNumber, message: "timestamp \(ErrorText.quoted(fields[0])) is not after the previous one; expected strictly increasing timestamps")
            }
            samples.append((time, price))
        }
        guard sawHeader else { throw LineError(line: 1, message: "the file is empty; expected the header 'timestamp,price' and prices") }
        guard samples.count >= 2 else { throw LineError(line: csv.lineCount, message: "at least two prices are needed, found \(samples.count)") }
        return samples
    }

    /// A Unix time as an ISO 8601 date for messages.
    static func date(_ seconds: Double) -> String {
        guard seconds.magnitude < 1e14 else { return ScenarioValidator.format(seconds) + " s" }
        return ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds))
    }

    /// Whether `text` has only the characters of an ISO 8601 date and time
    /// (`2025-10-10T21:00:00Z`, `…+02:00`), so no NUL or other text can follow a date the
    /// formatter reads.
    static func looksLikeISO8601(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || "-:+.TZ".utf8.contains(b)
        }
    }

    /// Why a price series cannot be put on the step grid.
    public struct GridError: Error, Equatable, Sendable {
        public var message: String
    }

    /// The step-grid returns of `samples`; fails when the data is coarser than the step, or when
    /// its span holds more than `maximumSteps` steps (a grid that would not fit in memory: one
    /// timestamp far in the future is enough).
    public static func onGrid(_ samples: [(time: Double, price: Double)], stepSeconds: Double,
                              maximumSteps: Int = .max) throws(GridError) -> HistoricalReturns {
        var gaps = zip(samples.dropFirst(), samples).map { $0.time - $1.time }
        gaps.sort()
        let median = gaps[gaps.count / 2]
        if median > stepSeconds * (1 + 1e-9) {
            throw GridError(message: "the data's median spacing is \(TimeSpan(seconds: median)), longer than the step \(TimeSpan(seconds: stepSeconds)); expected data at least as fine as the step")
        }
        let start = samples[0].time, end = samples[samples.count - 1].time
        let span = ((end - start) / stepSeconds + 1e-9).rounded(.down)
        guard span <= Double(maximumSteps) else {
            throw GridError(message: "the data spans \(TimeSpan(seconds: end - start)) (from \(Self.date(start)) to \(Self.date(end))), \(ScenarioValidator.format(span)) steps of \(TimeSpan(seconds: stepSeconds)); on the step grid that would need more memory than the run's limit allows (at most \(maximumSteps) steps); expected data spanning a shorter time, or a coarser step")
        }
        let steps = Int(span)
        guard steps >= 1 else { throw GridError(message: "the data spans less than one step") }
        var prices: [Double] = []
        prices.reserveCapacity(steps + 1)
        var i = 0
        for k in 0...steps {
            let t = start + Double(k) * stepSeconds
            while i + 1 < samples.count && samples[i + 1].time <= t + 1e-9 { i += 1 }
            prices.append(samples[i].price)
        }
        return HistoricalReturns(returns: zip(prices.dropFirst(), prices).map { Foundation.log($0 / $1) },
                                 stepSeconds: stepSeconds)
    }
}
