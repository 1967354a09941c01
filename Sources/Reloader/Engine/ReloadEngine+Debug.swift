extension ReloadEngine {
    /// What `--enable-pprof`'s debug endpoints read from this engine (`DebugRoutes`): the live index snapshot and the
    /// engine's figures, each read at request time.
    public func debugSources(configuration: ReloaderConfiguration) -> DebugRoutes.Sources {
        let index = self.index
        let queue = self.queue
        let resync = self.resync
        let elector = self.elector
        return DebugRoutes.Sources(
            index: { index.snapshot },
            engine: {
                Self.debugFigures(
                    queue: queue.counters, resync: resync.status, isLeader: elector?.isLeader ?? true,
                    now: ContinuousClock.now)
            },
            configuration: configuration)
    }

    /// The engine's part of `/debug/vars`. Pure.
    static func debugFigures(
        queue: ReloadQueueStateMachine.Counters, resync: ResyncLoop.Status, isLeader: Bool,
        now: ContinuousClock.Instant
    ) -> JSONValue {
        func number(_ value: Int) -> JSONValue { .number(String(value)) }
        func seconds(_ value: Duration?) -> JSONValue {
            guard let value else { return .null }
            let (whole, attoseconds) = value.components
            return .number(String(Double(whole) + Double(attoseconds) / 1e18))
        }
        var dropped: [String: JSONValue] = [:]
        for reason in ReloadQueueStateMachine.DropReason.allCases {
            dropped[reason.rawValue] = number(queue.dropped[reason] ?? 0)
        }
        return [
            "leader": .bool(isLeader),
            "index": ["workloads": number(resync.indexSize), "references": number(resync.indexReferences)],
            "queue": [
                "depth": number(queue.depth), "added": number(queue.added), "coalesced": number(queue.coalesced),
                "reloadsStarted": number(queue.reloadsStarted), "reloadsSucceeded": number(queue.reloadsSucceeded),
                "reloadsSkipped": number(queue.reloadsSkipped), "dropped": .object(dropped),
            ],
            "resync": [
                "ready": .bool(resync.isReady), "passes": number(resync.passes), "failures": number(resync.failures),
                "consecutiveFailures": number(resync.consecutiveFailures),
                "lastDurationSeconds": seconds(resync.lastDuration),
                "lastSuccessAgeSeconds": seconds(resync.lastSuccess.map { now - $0 }),
                "nextDelaySeconds": seconds(resync.nextDelay),
                "lastError": resync.lastError.map { .string("\($0)") } ?? .null,
            ],
        ]
    }
}
