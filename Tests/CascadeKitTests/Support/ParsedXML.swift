import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The elements of an XML document in document order, read with Foundation's `XMLParser`; for
/// checking that charts and reports are well-formed and reading back their data attributes.
struct ParsedXML {
    struct Element {
        var name: String
        var attributes: [String: String]
        /// The character data directly inside the element.
        var text: String
    }

    private(set) var elements: [Element] = []
    /// The parser's error, or `nil` when the document is well-formed.
    private(set) var error: String?

    init(_ document: String) {
        let collector = Collector()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = collector
        if !parser.parse() {
            error = parser.parserError.map { "\($0)" } ?? "XMLParser failed at line \(parser.lineNumber)"
        }
        elements = collector.elements
    }

    /// The elements named `name`, optionally only those with the attribute `attribute`.
    func elements(_ name: String, with attribute: String? = nil) -> [Element] {
        elements.filter { element in element.name == name && (attribute.map { element.attributes[$0] != nil } ?? true) }
    }

    /// The elements with attribute `attribute` equal to `value`.
    func elements(where attribute: String, is value: String) -> [Element] {
        elements.filter { $0.attributes[attribute] == value }
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        private var open: [Int] = []

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            open.append(elements.count)
            elements.append(Element(name: elementName, attributes: attributeDict, text: ""))
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            open.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let i = open.last { elements[i].text += string }
        }
    }
}

extension ParsedXML.Element {
    /// The numbers of a space-separated data attribute (empty when absent or empty), read back
    /// exactly with `Double(_:)`.
    func numbers(_ attribute: String) -> [Double] {
        (attributes[attribute] ?? "").split(separator: " ").map { Double($0) ?? .nan }
    }

    /// A single-number attribute.
    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
}
