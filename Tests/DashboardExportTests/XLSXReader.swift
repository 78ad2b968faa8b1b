import Foundation
import Testing
import ZIPFoundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One parsed XML element: its name, attributes, text and children.
final class XMLElementNode {
    let name: String
    let attributes: [String: String]
    var text = ""
    var children: [XMLElementNode] = []

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// Every element below (and including) this one with the given name, in document order.
    func all(_ name: String) -> [XMLElementNode] {
        (self.name == name ? [self] : []) + children.flatMap { $0.all(name) }
    }

    /// The first child with the given name.
    func child(_ name: String) -> XMLElementNode? {
        children.first { $0.name == name }
    }
}

/// Builds an element tree with Foundation's XMLParser, failing on anything not well-formed.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLElementNode] = []
    var root: XMLElementNode?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        let node = XMLElementNode(name: elementName, attributes: attributeDict)
        if let parent = stack.last {
            parent.children.append(node)
        } else {
            root = node
        }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}

struct XMLParseFailure: Error, CustomStringConvertible {
    var description: String
}

/// Parses one XML document into a tree.
func parseXML(_ data: Data) throws -> XMLElementNode {
    let parser = XMLParser(data: data)
    let builder = TreeBuilder()
    parser.delegate = builder
    guard parser.parse(), let root = builder.root else {
        throw XMLParseFailure(description: "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "no root") at line \(parser.lineNumber)")
    }
    return root
}

/// An unzipped workbook: every entry's bytes by path.
struct UnzippedWorkbook {
    var entries: [String: Data] = [:]
    var compressed: [String: Bool] = [:]

    init(_ data: Data) throws {
        let archive = try Archive(data: data, accessMode: .read)
        for entry in archive {
            var bytes = Data()
            _ = try archive.extract(entry) { bytes.append($0) }
            entries[entry.path] = bytes
            compressed[entry.path] = entry.isCompressed
        }
    }

    /// A part parsed as XML.
    func xml(_ path: String) throws -> XMLElementNode {
        let bytes = try #require(entries[path], "missing part \(path)")
        return try parseXML(bytes)
    }

    /// A part as text.
    func text(_ path: String) throws -> String {
        String(decoding: try #require(entries[path], "missing part \(path)"), as: UTF8.self)
    }

    /// The cells of a worksheet by reference (`A1`).
    func cells(sheet number: Int) throws -> [String: Cell] {
        var cells: [String: Cell] = [:]
        for node in try xml("xl/worksheets/sheet\(number).xml").all("c") {
            let reference = try #require(node.attributes["r"])
            cells[reference] = Cell(
                type: node.attributes["t"], style: node.attributes["s"], value: node.child("v")?.text,
                inlineText: node.child("is")?.child("t")?.text, hasFormula: node.child("f") != nil
            )
        }
        return cells
    }

    /// One `<c>` element.
    struct Cell: Equatable {
        var type: String?
        var style: String?
        var value: String?
        var inlineText: String?
        var hasFormula: Bool
    }
}
