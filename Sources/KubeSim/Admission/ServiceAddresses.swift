/// Reads kube-sim's `--service namespace/name=host:port` mappings: where to send a webhook whose clientConfig names
/// a Service, since there is no cluster DNS or service proxy here. Pure.
public enum ServiceAddresses {
    /// `namespace/name` -> `host:port`, from each `namespace/name=host:port` (IPv6 hosts in brackets).
    public static func parse(_ mappings: [String]) throws(ServiceAddressError) -> [String: String] {
        var result: [String: String] = [:]
        for mapping in mappings {
            let parts = mapping.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw .invalid(mapping, "expected namespace/name=host:port") }
            let service = parts[0].split(separator: "/", omittingEmptySubsequences: false)
            guard service.count == 2, !service[0].isEmpty, !service[1].isEmpty else {
                throw .invalid(mapping, "the service must be namespace/name")
            }
            let address = String(parts[1])
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
                (1...65535).contains(port)
            else { throw .invalid(mapping, "the address must be host:port with a port from 1 to 65535") }
            let host = address[..<colon]
            guard !host.isEmpty, !host.contains(":") || (host.hasPrefix("[") && host.hasSuffix("]")) else {
                throw .invalid(mapping, "the host must be a name or an address (IPv6 in brackets)")
            }
            let key = "\(service[0])/\(service[1])"
            guard result[key] == nil else { throw .invalid(mapping, "\(key) is mapped twice") }
            result[key] = address
        }
        return result
    }
}

public enum ServiceAddressError: Error, Equatable, CustomStringConvertible {
    case invalid(String, String)
    public var description: String {
        switch self {
        case .invalid(let mapping, let reason): "--service=\(mapping) is not valid: \(reason)"
        }
    }
}
