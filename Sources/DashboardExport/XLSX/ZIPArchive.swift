import CSystemZlib

/// A ZIP archive written in memory: deflated entries, in the order they are added
/// (PKWARE APPNOTE 6.3, the subset an Office Open XML package needs).
///
/// No ZIP64: an entry or the archive past 4 GiB, or more than 65,535 entries, is an error
/// rather than a damaged file. Every entry gets the same fixed modification time, so the
/// same parts always give the same bytes.
struct ZIPArchive {
    /// Why an archive could not be written.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// 2000-01-01 12:00:00 in MS-DOS date and time fields.
    private static let dosTime: UInt16 = 12 << 11
    private static let dosDate: UInt16 = (2000 - 1980) << 9 | 1 << 5 | 1

    private var bytes: [UInt8] = []
    private var centralDirectory: [UInt8] = []
    private var entryCount = 0

    /// Adds a file at `path` (forward slashes, no leading slash) holding `content`, deflated.
    mutating func add(path: String, content: [UInt8]) throws {
        let name = Array(path.utf8)
        let deflated = try Self.deflate(content)
        let checksum = Self.crc32(content)
        guard entryCount < Int(UInt16.max), name.count <= Int(UInt16.max) else {
            throw Failure(description: "too many entries or too long a name for a ZIP archive without ZIP64")
        }
        let offset = try Self.fitting(bytes.count, "the archive")
        let compressedSize = try Self.fitting(deflated.count, path)
        let size = try Self.fitting(content.count, path)

        // Local file header, then the data.
        Self.append(UInt32(0x0403_4B50), to: &bytes)
        Self.appendEntryFields(to: &bytes, crc: checksum, compressedSize: compressedSize, size: size, nameLength: name.count)
        bytes += name
        bytes += deflated

        // Its central directory record.
        Self.append(UInt32(0x0201_4B50), to: &centralDirectory)
        Self.append(UInt16(20), to: &centralDirectory)  // made by: version 2.0, MS-DOS attributes
        Self.appendEntryFields(to: &centralDirectory, crc: checksum, compressedSize: compressedSize, size: size, nameLength: name.count)
        Self.append(UInt16(0), to: &centralDirectory)  // comment length
        Self.append(UInt16(0), to: &centralDirectory)  // disk number
        Self.append(UInt16(0), to: &centralDirectory)  // internal attributes
        Self.append(UInt32(0), to: &centralDirectory)  // external attributes
        Self.append(offset, to: &centralDirectory)
        centralDirectory += name
        entryCount += 1
    }

    /// The archive's bytes: the entries, the central directory and its end record.
    func finished() throws -> [UInt8] {
        var archive = bytes
        let directoryOffset = try Self.fitting(archive.count, "the archive")
        let directorySize = try Self.fitting(centralDirectory.count, "the central directory")
        archive += centralDirectory
        Self.append(UInt32(0x0605_4B50), to: &archive)
        Self.append(UInt16(0), to: &archive)  // this disk
        Self.append(UInt16(0), to: &archive)  // the disk the directory starts on
        Self.append(UInt16(entryCount), to: &archive)
        Self.append(UInt16(entryCount), to: &archive)
        Self.append(directorySize, to: &archive)
        Self.append(directoryOffset, to: &archive)
        Self.append(UInt16(0), to: &archive)  // comment length
        return archive
    }

    /// The fields a local header and a central directory record share, from "version needed".
    private static func appendEntryFields(to buffer: inout [UInt8], crc: UInt32, compressedSize: UInt32, size: UInt32, nameLength: Int) {
        append(UInt16(20), to: &buffer)  // version needed: 2.0 (deflate)
        append(UInt16(0x0800), to: &buffer)  // flags: names are UTF-8
        append(UInt16(8), to: &buffer)  // method: deflate
        append(dosTime, to: &buffer)
        append(dosDate, to: &buffer)
        append(crc, to: &buffer)
        append(compressedSize, to: &buffer)
        append(size, to: &buffer)
        append(UInt16(nameLength), to: &buffer)
        append(UInt16(0), to: &buffer)  // extra field length
    }

    private static func fitting(_ count: Int, _ what: String) throws -> UInt32 {
        guard let value = UInt32(exactly: count), value < UInt32.max else {
            throw Failure(description: "\(what) passes the 4 GiB a ZIP archive without ZIP64 holds")
        }
        return value
    }

    private static func append<Value: FixedWidthInteger>(_ value: Value, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { buffer += $0 }
    }

    /// The CRC-32 ZIP records for `content` (zlib's).
    static func crc32(_ content: [UInt8]) -> UInt32 {
        content.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: crc32_z(0, buffer.baseAddress, buffer.count))
        }
    }

    /// `content` (under 4 GiB) as a raw deflate stream (no zlib header), zlib's default level.
    static func deflate(_ content: [UInt8]) throws -> [UInt8] {
        _ = try fitting(content.count, "an entry")
        var stream = z_stream()
        let status = deflateInit2_(
            &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)
        )
        guard status == Z_OK else { throw Failure(description: "zlib could not start deflating (status \(status))") }
        defer { deflateEnd(&stream) }

        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(content.count))))
        var input = content
        let result = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(clamping: target.count)
                return CSystemZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else { throw Failure(description: "zlib could not deflate an entry (status \(result))") }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}
