/// Why a workbook could not be written; `kind` can be switched on.
public struct XLSXError: Error, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// A sheet has more rows than a worksheet holds (1,048,576 with the header).
        case tooManyRows
        /// A sheet has more columns than a worksheet holds (16,384).
        case tooManyColumns
        /// The ZIP container could not be written.
        case archive
    }

    /// What went wrong.
    public var kind: Kind
    /// A message saying what to do.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// Just `message`, which says what to do.
    public var description: String { message }
}
