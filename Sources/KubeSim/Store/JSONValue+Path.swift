public import Reloader

extension JSONValue {
    /// The value at a path of object keys, settable: setting creates missing objects on the way, setting nil
    /// removes the last key. Setting through a non-object leaves the value unchanged.
    public subscript(at path: [String]) -> JSONValue? {
        get { self[path: path] }
        set {
            guard let first = path.first else {
                if let newValue { self = newValue }
                return
            }
            if path.count == 1 {
                guard case .object = self else { return }
                self[first] = newValue
                return
            }
            guard case .object = self else { return }
            if newValue == nil && self[first] == nil { return }
            var child = self[first] ?? .object([:])
            child[at: Array(path.dropFirst())] = newValue
            self[first] = child
        }
    }
}
