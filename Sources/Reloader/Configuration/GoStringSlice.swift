/// How pflag's `StringSlice` reads one occurrence of a list flag: the value is one CSV record (Go's
/// `encoding/csv`), so `a,b` is two entries and `"a,b"` one. This matters for Reloader's Helm chart, which passes
/// `--namespace-selector="k=v,k2=v2"` with literal quotes. Entries are not trimmed here (pflag does not trim);
/// `ReloaderConfiguration` trims them and drops empty ones. Pure.
public enum GoStringSlice {
    public struct ParseError: Error, Equatable {
        public let reason: String
    }

    /// The entries of one flag value; `""` gives no entries, as in pflag.
    public static func split(_ value: String) throws(ParseError) -> [String] {
        guard !value.isEmpty else { return [] }
        var fields: [String] = []
        var characters = value[...]
        while true {
            var field = ""
            if characters.first == "\"" {
                characters = characters.dropFirst()
                var closed = false
                while let character = characters.popFirst() {
                    if character == "\"" {
                        if characters.first == "\"" {
                            field.append("\"")
                            characters = characters.dropFirst()
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        field.append(character)
                    }
                }
                guard closed else { throw ParseError(reason: "a quoted entry is not closed") }
                guard characters.isEmpty || characters.first == "," else {
                    throw ParseError(reason: "extraneous or missing \" in a quoted entry")
                }
            } else {
                let end = characters.firstIndex(of: ",") ?? characters.endIndex
                field = String(characters[..<end])
                guard !field.contains("\"") else { throw ParseError(reason: "bare \" in an unquoted entry") }
                characters = characters[end...]
            }
            fields.append(field)
            guard characters.first == "," else { return fields }
            characters = characters.dropFirst()
        }
    }
}
