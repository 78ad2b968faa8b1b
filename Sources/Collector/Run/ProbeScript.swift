/// The probe (Resources/probe.sh), embedded in the binary so it always matches the parser.
enum ProbeScript {
    /// The script's bytes, as sent to `sh -s`.
    static let bytes: [UInt8] = PackageResources.probe_sh
}
