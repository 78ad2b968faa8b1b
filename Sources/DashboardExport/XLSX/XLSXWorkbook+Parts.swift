import DashboardCore
import FoundationEssentials

/// The XML parts of the package, each a complete document.
extension XLSXWorkbook {
    static let xmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let spreadsheetNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// Style indexes into `cellXfs` of `stylesPart()`.
    enum Style: Int {
        case plain = 0
        case header = 1
        case dateTime = 2
        case quotedText = 3
        case quotedHeader = 4
    }

    static func contentTypesPart(sheetCount: Int) -> String {
        var xml = xmlDeclaration
        xml += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        xml += "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        xml += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        xml += "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        for index in 1...max(sheetCount, 1) {
            xml +=
                "<Override PartName=\"/xl/worksheets/sheet\(index).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        xml += "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
        xml += "</Types>"
        return xml
    }

    static func packageRelationshipsPart() -> String {
        xmlDeclaration
            + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + "<Relationship Id=\"rId1\" Type=\"\(relationshipsNamespace)/officeDocument\" Target=\"xl/workbook.xml\"/>"
            + "</Relationships>"
    }

    static func workbookPart(sheetNames: [String]) -> String {
        var xml = xmlDeclaration
        xml += "<workbook xmlns=\"\(spreadsheetNamespace)\" xmlns:r=\"\(relationshipsNamespace)\">"
        xml += "<bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
        for (index, name) in sheetNames.enumerated() {
            xml += "<sheet name=\"\(XMLText.escaped(name))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        xml += "</sheets></workbook>"
        return xml
    }

    static func workbookRelationshipsPart(sheetCount: Int) -> String {
        var xml = xmlDeclaration
        xml += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        for index in 1...max(sheetCount, 1) {
            xml += "<Relationship Id=\"rId\(index)\" Type=\"\(relationshipsNamespace)/worksheet\" Target=\"worksheets/sheet\(index).xml\"/>"
        }
        xml += "<Relationship Id=\"rId\(max(sheetCount, 1) + 1)\" Type=\"\(relationshipsNamespace)/styles\" Target=\"styles.xml\"/>"
        xml += "</Relationships>"
        return xml
    }

    static func stylesPart() -> String {
        let font = "<sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/>"
        let base = "fillId=\"0\" borderId=\"0\" xfId=\"0\""
        return xmlDeclaration
            + "<styleSheet xmlns=\"\(spreadsheetNamespace)\">"
            + "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd hh:mm:ss\"/></numFmts>"
            + "<fonts count=\"2\"><font>\(font)</font><font><b/>\(font)</font></fonts>"
            + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
            + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
            + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
            + "<cellXfs count=\"5\">"
            + "<xf numFmtId=\"0\" fontId=\"0\" \(base)/>"
            + "<xf numFmtId=\"0\" fontId=\"1\" \(base) applyFont=\"1\"/>"
            + "<xf numFmtId=\"164\" fontId=\"0\" \(base) applyNumberFormat=\"1\"/>"
            + "<xf numFmtId=\"0\" fontId=\"0\" \(base) quotePrefix=\"1\"/>"
            + "<xf numFmtId=\"0\" fontId=\"1\" \(base) applyFont=\"1\" quotePrefix=\"1\"/>"
            + "</cellXfs>"
            + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
            + "</styleSheet>"
    }

    static func worksheetPart(_ sheet: Sheet, selected: Bool) -> String {
        let hasHeader = !sheet.header.isEmpty
        let columnCount = sheet.rows.reduce(sheet.header.count) { max($0, $1.count) }
        let rowCount = sheet.rows.count + (hasHeader ? 1 : 0)
        var xml = xmlDeclaration
        xml += "<worksheet xmlns=\"\(spreadsheetNamespace)\" xmlns:r=\"\(relationshipsNamespace)\">"
        let lastCell = columnCount > 0 && rowCount > 0 ? ":\(columnName(columnCount - 1))\(rowCount)" : ""
        xml += "<dimension ref=\"A1\(lastCell)\"/>"
        xml += "<sheetViews><sheetView\(selected ? " tabSelected=\"1\"" : "") workbookViewId=\"0\">"
        if hasHeader {
            xml +=
                "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>"
        }
        xml += "</sheetView></sheetViews>"
        xml += "<sheetFormatPr defaultRowHeight=\"15\"/>"
        if columnCount > 0 {
            xml += "<cols>"
            for (index, width) in columnWidths(sheet, columnCount: columnCount).enumerated() {
                xml += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(width)\" customWidth=\"1\"/>"
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        var rowNumber = 0
        if hasHeader {
            rowNumber += 1
            appendRow(sheet.header.map(ExportCell.text), number: rowNumber, isHeader: true, to: &xml)
        }
        for row in sheet.rows {
            rowNumber += 1
            appendRow(row, number: rowNumber, isHeader: false, to: &xml)
        }
        xml += "</sheetData></worksheet>"
        return xml
    }

    private static func appendRow(_ cells: [ExportCell], number: Int, isHeader: Bool, to xml: inout String) {
        xml += "<row r=\"\(number)\">"
        for (index, cell) in cells.enumerated() {
            let reference = "\(columnName(index))\(number)"
            switch cell {
            case .text(let text):
                appendText(text, reference: reference, isHeader: isHeader, to: &xml)
            case .number(let value):
                if let digits = ExportCell.decimalText(value) {
                    xml += "<c r=\"\(reference)\"\(styleAttribute(isHeader ? .header : .plain))><v>\(digits)</v></c>"
                }
            case .integer(let value):
                xml += "<c r=\"\(reference)\"\(styleAttribute(isHeader ? .header : .plain))><v>\(value)</v></c>"
            case .timestamp(let date):
                if let serial = dateSerial(date), let digits = ExportCell.decimalText(serial) {
                    xml += "<c r=\"\(reference)\" s=\"\(Style.dateTime.rawValue)\"><v>\(digits)</v></c>"
                } else {
                    appendText(Timestamp.format(date), reference: reference, isHeader: isHeader, to: &xml)
                }
            case .empty:
                break
            }
        }
        xml += "</row>"
    }

    private static func appendText(_ text: String, reference: String, isHeader: Bool, to xml: inout String) {
        let kept = XMLText.truncated(XMLText.removingIllegal(text), toUTF16: maximumTextLength)
        let style: Style
        if ExportCell.startsLikeFormula(kept) {
            style = isHeader ? .quotedHeader : .quotedText
        } else {
            style = isHeader ? .header : .plain
        }
        xml += "<c r=\"\(reference)\"\(styleAttribute(style)) t=\"inlineStr\"><is><t xml:space=\"preserve\">"
        xml += XMLText.escaped(XMLText.protectingEscapeSequences(kept))
        xml += "</t></is></c>"
    }

    private static func styleAttribute(_ style: Style) -> String {
        style == .plain ? "" : " s=\"\(style.rawValue)\""
    }

    /// The 1900-system serial of an instant's UTC wall time, or `nil` outside 1900-03-01…9999-12-31.
    static func dateSerial(_ date: Date) -> Double? {
        let serial = date.timeIntervalSince1970 / 86_400 + 25_569
        guard serial.isFinite, serial >= 61, serial < 2_958_466 else { return nil }
        return serial
    }

    /// The column letters of a zero-based index: 0 → `A`, 25 → `Z`, 26 → `AA`.
    static func columnName(_ index: Int) -> String {
        var scalars = [Unicode.Scalar]()
        var rest = index + 1
        while rest > 0 {
            let digit = (rest - 1) % 26
            scalars.append(Unicode.Scalar(UInt8(65 + digit)))
            rest = (rest - 1) / 26
        }
        return String(String.UnicodeScalarView(scalars.reversed()))
    }

    /// Widths in characters: the longest line of each column's content, plus padding, within 8…62.
    static func columnWidths(_ sheet: Sheet, columnCount: Int) -> [Int] {
        var longest = [Int](repeating: 0, count: columnCount)
        func measure(_ cells: [ExportCell], extra: Int) {
            for (index, cell) in cells.enumerated() {
                longest[index] = max(longest[index], displayLength(cell) + extra)
            }
        }
        measure(sheet.header.map(ExportCell.text), extra: 1)
        for row in sheet.rows {
            measure(row, extra: 0)
        }
        return longest.map { min(max($0, 6), 60) + 2 }
    }

    private static func displayLength(_ cell: ExportCell) -> Int {
        switch cell {
        case .text(let text):
            var longestLine = 0
            var line = 0
            for character in text.prefix(200) {
                if character.isNewline {
                    line = 0
                } else {
                    line += 1
                    longestLine = max(longestLine, line)
                }
            }
            return longestLine
        case .number(let value): return ExportCell.decimalText(value)?.count ?? 0
        case .integer(let value): return String(value).count
        case .timestamp: return 19
        case .empty: return 0
        }
    }
}
