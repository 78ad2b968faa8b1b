/// An optional field that is always on the wire: `null` when absent, never left out, so
/// every record of a list has the same keys (docs/api.md). Decoding takes a missing key
/// as `nil` too.
///
/// `@Nullable var resolvedAt: Date?` encodes `"resolved_at": null`, where a plain
/// optional's synthesized `Encodable` would drop the key.
@propertyWrapper
public struct Nullable<Value> {
    /// The value, `nil` for JSON `null`.
    public var wrappedValue: Value?

    /// Wraps `wrappedValue`.
    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }
}

extension Nullable: Sendable where Value: Sendable {}
extension Nullable: Equatable where Value: Equatable {}

extension Nullable: Encodable where Value: Encodable {
    /// Writes the value, or `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue {
            try container.encode(wrappedValue)
        } else {
            try container.encodeNil()
        }
    }
}

extension Nullable: Decodable where Value: Decodable {
    /// Reads the value, or `nil` for `null`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }
}

extension KeyedDecodingContainer {
    /// A ``Nullable`` field whose key is missing decodes as `nil` (synthesized `Decodable`
    /// calls this overload for `@Nullable` properties).
    public func decode<Value: Decodable>(_ type: Nullable<Value>.Type, forKey key: Key) throws -> Nullable<Value> {
        Nullable(wrappedValue: try decodeIfPresent(Value.self, forKey: key))
    }
}
