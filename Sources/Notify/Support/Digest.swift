import CLibCrypto

/// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto, for channel keys, group ids and
/// webhook signatures.
enum Digest {
    /// The SHA-256 of `bytes`.
    static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var output = [UInt8](repeating: 0, count: 32)
        input.withUnsafeBufferPointer { data in
            output.withUnsafeMutableBufferPointer { out in
                shim_sha256(data.baseAddress, data.count, out.baseAddress)
            }
        }
        return output
    }

    /// The HMAC-SHA256 of `message` under `key`.
    static func hmacSHA256(key: some Collection<UInt8>, message: [UInt8]) -> [UInt8] {
        // libcrypto takes a NULL key as "reuse the previous one": an empty key gets a real byte to point at.
        let keyBytes = key.isEmpty ? [UInt8(0)] : Array(key)
        let keyLength = Int32(key.count)
        var output = [UInt8](repeating: 0, count: 32)
        let succeeded: Int32 = keyBytes.withUnsafeBufferPointer { (keyBuffer: UnsafeBufferPointer<UInt8>) -> Int32 in
            message.withUnsafeBufferPointer { (data: UnsafeBufferPointer<UInt8>) -> Int32 in
                output.withUnsafeMutableBufferPointer { (out: inout UnsafeMutableBufferPointer<UInt8>) -> Int32 in
                    shim_hmac_sha256(keyBuffer.baseAddress, keyLength, data.baseAddress, data.count, out.baseAddress)
                }
            }
        }
        precondition(succeeded == 1, "HMAC-SHA256 failed in libcrypto")
        return output
    }

    /// `bytes` as lower-case hexadecimal.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
