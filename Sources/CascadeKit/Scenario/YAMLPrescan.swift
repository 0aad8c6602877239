internal import CYaml

/// A check of YAML text before Yams composes it, walking libyaml's events once, in time linear
/// in the text (aliases are never expanded).
///
/// Yams cannot be handed hostile text: composing a mapping hashes its keys, and a key that is
/// an alias to a "billion laughs" tree is hashed whole — the composer hangs. Yams also keeps the
/// last of two keys it considers different (`'2'` and `2`) while the decoder reads both as the
/// text "2", and it drops keys that are lists or mappings without a word. The prescan refuses,
/// naming the key path, the key and its line:
///
/// - a mapping key that is not a single value (a list, a mapping, or an alias to one);
/// - a key given twice in one mapping, comparing keys by their text (so `2` and `'2'` collide);
/// - a merge key (`<<`) whose value is not a mapping or a list of mappings (Yams ignores it);
/// - an alias to no anchor before it;
/// - more than ``Limits/maximumNodes`` values with aliases expanded — counted without
///   expanding: each anchor's expanded size is recorded when its node ends, and an alias adds it;
/// - nesting deeper than ``Limits/maximumDepth`` mappings and lists;
/// - text longer than ``Limits/maximumBytes``;
/// - a second document.
///
/// libyaml's own errors become one line: `line:column: problem`, without Yams' snippet.
struct YAMLPrescan {
    /// The bounds the text must keep.
    struct Limits: Sendable {
        /// The most bytes of text (UTF-8).
        var maximumBytes = 4 * 1024 * 1024
        /// The most values (scalars, lists and mappings) with every alias expanded.
        var maximumNodes = 100_000
        /// The most mappings and lists nested in one another.
        var maximumDepth = 64
    }

    /// Why the text was refused.
    enum Problem: Error, Equatable {
        /// Not valid YAML: `line:column: problem`.
        case syntax(String)
        /// Valid YAML that breaks one of the prescan's rules, at a key path.
        case issue(ScenarioIssue)
        /// The text is longer than the limit.
        case tooLarge(bytes: Int, limit: Int)
    }

    /// Checks `text`; `root` is the key path the text sits at (empty for a whole file), put in
    /// front of the key paths of messages, and `source` follows each line and column in them
    /// (e.g. " of the --vary value"; empty for a whole file).
    static func check(_ text: String, root: String = "", source: String = "", limits: Limits = Limits()) throws(Problem) {
        var text = text
        let bytes = text.utf8.count
        guard bytes <= limits.maximumBytes else { throw .tooLarge(bytes: bytes, limit: limits.maximumBytes) }
        guard bytes > 0 else { return }
        let result: Result<Void, Problem> = text.withUTF8 { buffer in
            var walk = Walk(root: root, source: source, limits: limits, text: buffer)
            do throws(Problem) { try walk.run() } catch { return .failure(error) }
            return .success(())
        }
        try result.get()
    }

    /// A line and column, 1-based.
    struct Mark: Equatable {
        var line: Int
        var column: Int
        init(_ mark: yaml_mark_t) { line = mark.line + 1; column = mark.column + 1 }
        init(line: Int, column: Int) { self.line = line; self.column = column }
        var text: String { "line \(line), column \(column)" }
    }

    /// What an anchor names.
    private struct Anchor {
        enum Kind { case scalar, sequence, mapping }
        var kind: Kind
        /// Values in the anchored node with aliases expanded (itself included).
        var nodes: Int
        /// The text of an anchored scalar.
        var text: String?
        /// Whether the anchored scalar is a merge key (`<<`, plain, untagged).
        var isMerge: Bool
    }

    /// An open mapping or list.
    private struct Frame {
        var isMapping: Bool
        var anchor: String?
        /// Values inside it so far with aliases expanded (itself included).
        var nodes = 1
        /// Children done: list items, or keys and values of a mapping (a key is next when even).
        var children = 0
        /// The keys of a mapping so far: text → where, and whether it was quoted.
        var keys: [String: (mark: Mark, quoted: Bool)] = [:]
        /// The key whose value comes next (for key paths).
        var key = ""
        /// Whether the value that comes next is a merge key's.
        var mergeValue = false
        /// Whether this list is a merge key's value (its items must be mappings).
        var isMergeList = false

        init(isMapping: Bool, anchor: String?) {
            self.isMapping = isMapping
            self.anchor = anchor
        }

        var expectsKey: Bool { isMapping && children % 2 == 0 }
    }

    private struct Walk {
        let root: String
        let source: String
        let limits: Limits
        let text: UnsafeBufferPointer<UInt8>
        var frames: [Frame] = []
        var anchors: [String: Anchor] = [:]
        var nodes = 0
        var documents = 0

        init(root: String, source: String, limits: Limits, text: UnsafeBufferPointer<UInt8>) {
            self.root = root
            self.source = source
            self.limits = limits
            self.text = text
        }

        mutating func run() throws(Problem) {
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { throw .syntax("out of memory") }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, text.baseAddress, text.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { throw .syntax(syntaxMessage(parser)) }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_DOCUMENT_START_EVENT:
                    documents += 1
                    if documents > 1 {
                        let mark = Mark(event.start_mark)
                        throw .syntax("\(mark.line):\(mark.column): a second YAML document starts here; expected one scenario per file")
                    }
                case YAML_SCALAR_EVENT:
                    let s = event.data.scalar
                    let value = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                    let plain = s.style == YAML_PLAIN_SCALAR_STYLE
                    try scalar(value, quoted: !plain, isMerge: plain && s.tag == nil && value == "<<",
                               anchor: string(s.anchor), mark: Mark(event.start_mark))
                case YAML_ALIAS_EVENT:
                    try alias(string(event.data.alias.anchor) ?? "", mark: Mark(event.start_mark))
                case YAML_SEQUENCE_START_EVENT:
                    try open(isMapping: false, anchor: string(event.data.sequence_start.anchor), mark: Mark(event.start_mark))
                case YAML_MAPPING_START_EVENT:
                    try open(isMapping: true, anchor: string(event.data.mapping_start.anchor), mark: Mark(event.start_mark))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    let frame = frames.removeLast()
                    if let anchor = frame.anchor {
                        anchors[anchor] = Anchor(kind: frame.isMapping ? .mapping : .sequence, nodes: frame.nodes, text: nil, isMerge: false)
                    }
                    finish(nodes: frame.nodes)
                default:
                    break
                }
            }
        }

        // MARK: Events

        mutating func scalar(_ value: String, quoted: Bool, isMerge: Bool, anchor: String?, mark: Mark) throws(Problem) {
            try count(1, mark: mark, alias: nil)
            if frames.last?.expectsKey == true {
                try key(value, quoted: quoted, isMerge: isMerge, mark: mark)
            } else {
                try checkMergeValue(.scalar, mark: mark, alias: nil)
            }
            if let anchor { anchors[anchor] = Anchor(kind: .scalar, nodes: 1, text: value, isMerge: isMerge) }
            finish(nodes: 1)
        }

        mutating func alias(_ name: String, mark: Mark) throws(Problem) {
            guard let target = anchors[name] else {
                throw issue(path(), "the alias *\(name) (\(at(mark))) has no anchor &\(name) before it; expected an alias to an anchor defined earlier")
            }
            try count(target.nodes, mark: mark, alias: name)
            if frames.last?.expectsKey == true {
                guard target.kind == .scalar, let text = target.text else {
                    throw issue(path(includingLast: false),
                                "the alias *\(name) (\(kindName(target.kind))) is used as a key (\(at(mark))); expected keys that are single values such as names or numbers")
                }
                try key(text, quoted: false, isMerge: target.isMerge, mark: mark)
            } else {
                try checkMergeValue(target.kind, mark: mark, alias: name)
            }
            finish(nodes: target.nodes)
        }

        mutating func open(isMapping: Bool, anchor: String?, mark: Mark) throws(Problem) {
            if frames.last?.expectsKey == true {
                throw issue(path(includingLast: false),
                            "\(isMapping ? "a mapping" : "a list") is used as a key (\(at(mark))); expected keys that are single values such as names or numbers")
            }
            try checkMergeValue(isMapping ? .mapping : .sequence, mark: mark, alias: nil)
            guard frames.count < limits.maximumDepth else {
                throw issue(path(), "nests deeper than \(limits.maximumDepth) levels (\(at(mark))); expected at most \(limits.maximumDepth) levels of mappings and lists")
            }
            try count(1, mark: mark, alias: nil)
            let isMergeList = !isMapping && frames.last?.mergeValue == true
            frames.append(Frame(isMapping: isMapping, anchor: anchor))
            frames[frames.count - 1].isMergeList = isMergeList
        }

        // MARK: Rules

        /// Adds `n` values to the running total, refusing past the limit.
        mutating func count(_ n: Int, mark: Mark, alias: String?) throws(Problem) {
            nodes += n
            guard nodes > limits.maximumNodes else { return }
            let limit = limits.maximumNodes
            if let alias {
                throw issue(path(), "the alias *\(alias) (\(at(mark))) expands to more than \(limit) values; expected at most \(limit) values with aliases expanded")
            }
            throw issue(path(), "the text holds more than \(limit) values (\(at(mark))); expected at most \(limit)")
        }

        /// Records a key of the innermost mapping, refusing one it already has.
        mutating func key(_ text: String, quoted: Bool, isMerge: Bool, mark: Mark) throws(Problem) {
            let frame = frames[frames.count - 1]
            if let first = frame.keys[text] {
                var message = "key \(ErrorText.quoted(text)) appears twice (\(at(first.mark)) and \(at(mark))); expected each key once"
                if first.quoted != quoted { message += " (keys compare as text: \(ErrorText.clipped(text)) and \(ErrorText.quoted(text)) are the same key)" }
                throw issue(path(includingLast: false), message)
            }
            frames[frames.count - 1].keys[text] = (mark, quoted)
            frames[frames.count - 1].key = text
            frames[frames.count - 1].mergeValue = isMerge
        }

        /// A merge key's value must be a mapping or a list of mappings (Yams ignores anything
        /// else without a word).
        func checkMergeValue(_ kind: Anchor.Kind, mark: Mark, alias: String?) throws(Problem) {
            guard let frame = frames.last else { return }
            let found = alias.map { "the alias *\($0) (\(kindName(kind)))" } ?? kindName(kind)
            if frame.isMapping && frame.mergeValue && (kind == .scalar || (alias != nil && kind == .sequence)) {
                throw issue(path(), "\(found) is a merge key's value (\(at(mark))); expected a mapping, an alias to one or a list of them")
            }
            if frame.isMergeList && kind != .mapping {
                throw issue(path(), "\(found) is in a merge key's list (\(at(mark))); expected mappings or aliases to mappings")
            }
        }

        /// Ends a child of the innermost frame: adds its values, counts it.
        mutating func finish(nodes n: Int) {
            guard !frames.isEmpty else { return }
            let i = frames.count - 1
            frames[i].nodes += n
            frames[i].children += 1
            if frames[i].isMapping && frames[i].children % 2 == 0 { frames[i].mergeValue = false }
        }

        // MARK: Messages

        /// `line 3, column 7`, and the source if any.
        func at(_ mark: Mark) -> String { mark.text + source }

        /// The key path of the value being read (`includingLast`), or of its mapping or list.
        func path(includingLast: Bool = true) -> String {
            var text = root
            for (i, frame) in frames.enumerated() where includingLast || i < frames.count - 1 {
                if frame.isMapping {
                    // A key itself (not yet its value) has no path of its own.
                    if frame.expectsKey && i == frames.count - 1 { continue }
                    text += text.isEmpty ? frame.key : ".\(frame.key)"
                } else {
                    text += "[\(frame.children)]"
                }
            }
            return text
        }

        func issue(_ location: String, _ message: String) -> Problem {
            .issue(ScenarioIssue(location, message))
        }

        func kindName(_ kind: Anchor.Kind) -> String {
            switch kind {
            case .scalar: "a single value"
            case .sequence: "a list"
            case .mapping: "a mapping"
            }
        }

        func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }

        /// `line:column: problem` of libyaml's error.
        func syntaxMessage(_ parser: yaml_parser_t) -> String {
            let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
            let mark: Mark
            var detail = ""
            if parser.error == YAML_READER_ERROR {
                mark = position(ofByte: parser.problem_offset)
                if parser.problem_value >= 0 && problem.contains("control characters") {
                    detail = " (U+\(String(parser.problem_value, radix: 16, uppercase: true).leftPadded(to: 4)))"
                }
            } else {
                mark = Mark(parser.problem_mark)
            }
            return "\(mark.line):\(mark.column): \(problem)\(detail)"
        }

        /// The line and column (in characters) of a byte offset of the text.
        func position(ofByte offset: Int) -> Mark {
            let end = min(max(offset, 0), text.count)
            var line = 1, lineStart = 0
            for i in 0..<end where text[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            let column = String(decoding: UnsafeBufferPointer(rebasing: text[lineStart..<end]), as: UTF8.self).unicodeScalars.count + 1
            return Mark(line: line, column: column)
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
