import Foundation
public import Logging
import WebhookServer

/// A swift-log handler writing one line per message to standard error, as text or JSON (`--log-format`).
/// Text: `2026-11-26T14:00:00Z info reloader.server: message key=value`. JSON: one object per line with `time`,
/// `level`, `logger`, `msg` and the metadata as string fields. Writes are serialised by the stream's own lock.
public struct LineLogHandler: LogHandler {
    public enum Format: String, Sendable { case text, json }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public let label: String
    public let format: Format

    public init(label: String, format: Format, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra, uniquingKeysWith: { _, new in new }) }
        let time = Date().formatted(.iso8601)
        let line: String
        switch format {
        case .text:
            let fields = merged.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            line = "\(time) \(event.level) \(label): \(event.message)\(fields.isEmpty ? "" : " " + fields)\n"
        case .json:
            var parts = [
                "\"time\":\(JSONString.quote(time))", "\"level\":\(JSONString.quote(event.level.rawValue))",
                "\"logger\":\(JSONString.quote(label))", "\"msg\":\(JSONString.quote(event.message.description))",
            ]
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                parts.append("\(JSONString.quote(key)):\(JSONString.quote("\(value)"))")
            }
            line = "{" + parts.joined(separator: ",") + "}\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
