extension JSONValue {
    /// Sets (or with nil removes) the value at a path of object keys, creating missing intermediate objects.
    /// A step through a non-object leaves the value unchanged.
    mutating func set(_ path: some Collection<String>, to value: JSONValue?) {
        guard let key = path.first else {
            self = value ?? .null
            return
        }
        guard case .object = self else { return }
        if path.count == 1 {
            self[key] = value
            return
        }
        var child = self[key] ?? [:]
        if case .null = child { child = [:] }
        child.set(path.dropFirst(), to: value)
        self[key] = child
    }
}
