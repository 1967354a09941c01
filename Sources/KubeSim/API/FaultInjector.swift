public import Foundation
public import Reloader
import Synchronization

/// Faults switched on through `POST /sim/faults`, for reliability tests: latency, an error status (429 with
/// Retry-After, 5xx), or a dropped connection, per verb and resource and optionally per client (a User-Agent
/// prefix, so a test can break reloader's requests and not kubectl's), for `count` requests or `seconds`.
/// Thread-safe (one mutex).
public final class FaultInjector: Sendable {
    public struct Rule: Sendable, Equatable {
        public enum Kind: String, Sendable { case latency, status, drop }
        public var verb: String  // a verb or "*"
        public var resource: String  // a plural or "*"
        /// Only requests whose User-Agent starts with this; nil: every client.
        public var userAgentPrefix: String?
        public var kind: Kind
        public var status: Int
        public var retryAfterSeconds: Int?
        public var latencyMilliseconds: Int
        /// Requests left to affect; nil: unlimited until `until`.
        public var remaining: Int?
        public var until: Date?

        /// Reads the `/sim/faults` JSON body.
        public init(json: JSONValue, now: Date) throws(APIError) {
            guard case .object = json else { throw .badRequest("a fault is a JSON object") }
            verb = json["verb"]?.stringValue ?? "*"
            resource = json["resource"]?.stringValue ?? "*"
            userAgentPrefix = json["userAgent"]?.stringValue
            guard let kind = Kind(rawValue: json["kind"]?.stringValue ?? "") else {
                throw .badRequest("fault kind must be one of latency, status, drop")
            }
            self.kind = kind
            status = json["status"]?.intValue ?? 503
            guard (400...599).contains(status) else { throw .badRequest("fault status must be 400-599") }
            retryAfterSeconds = json["retryAfterSeconds"]?.intValue
            latencyMilliseconds = json["latencyMs"]?.intValue ?? 0
            remaining = json["count"]?.intValue
            until = json["seconds"]?.intValue.map { now.addingTimeInterval(TimeInterval($0)) }
            if kind == .latency && latencyMilliseconds <= 0 { throw .badRequest("a latency fault needs latencyMs > 0") }
        }

        func matches(verb: String, resource: String, userAgent: String?, now: Date) -> Bool {
            (self.verb == "*" || self.verb == verb) && (self.resource == "*" || self.resource == resource)
                && (userAgentPrefix.map { userAgent?.hasPrefix($0) ?? false } ?? true)
                && (remaining.map { $0 > 0 } ?? true) && (until.map { now < $0 } ?? true)
        }
    }

    /// What happens to one request: an optional delay, then either normal processing or the injected outcome.
    public struct Action: Sendable, Equatable {
        public enum Outcome: Sendable, Equatable {
            case proceed
            case fail(APIError)
            case drop
        }
        public var latencyMilliseconds: Int
        public var outcome: Outcome
    }

    private let rules = Mutex<[Rule]>([])

    public init() {}

    public func add(_ rule: Rule) { rules.withLock { $0.append(rule) } }
    public func clear() { rules.withLock { $0.removeAll() } }

    /// Rules still in force (a rule with a count leaves once used up).
    public var activeRuleCount: Int { rules.withLock { $0.count } }

    /// What to do with one request (`userAgent`: its User-Agent header); consumes one use of each matching rule.
    /// Latencies add up; the first matching status or drop rule decides the answer.
    public func action(verb: String, resource: String, userAgent: String? = nil, now: Date) -> Action {
        rules.withLock { rules in
            var latency = 0
            var outcome: Action.Outcome?
            for index in rules.indices
            where rules[index].matches(verb: verb, resource: resource, userAgent: userAgent, now: now) {
                let rule = rules[index]
                switch rule.kind {
                case .latency:
                    latency += rule.latencyMilliseconds
                case .status, .drop:
                    if outcome != nil { continue }
                    outcome = rule.kind == .drop ? .drop : .fail(Self.error(for: rule, resource: resource))
                }
                if let remaining = rule.remaining { rules[index].remaining = remaining - 1 }
            }
            rules.removeAll { rule in rule.remaining.map { $0 <= 0 } ?? false || rule.until.map { now >= $0 } ?? false }
            return Action(latencyMilliseconds: latency, outcome: outcome ?? .proceed)
        }
    }

    static func error(for rule: Rule, resource: String) -> APIError {
        let reason =
            switch rule.status {
            case 429: "TooManyRequests"
            case 500: "InternalError"
            case 503: "ServiceUnavailable"
            case 504: "Timeout"
            case 409: "Conflict"
            case 404: "NotFound"
            default: "InternalError"
            }
        return APIError(
            code: rule.status, reason: reason, message: "kube-sim injected fault: \(rule.status) \(reason)",
            kind: resource == "*" ? nil : resource, retryAfterSeconds: rule.retryAfterSeconds)
    }
}
