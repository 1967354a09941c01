import Logging

/// The three Lease requests of `LeaderElector`, each turned into the answer its state machine takes: a 404 on GET
/// is `.notFound`, a 409 (stale resourceVersion, or AlreadyExists on create) or a 404 on PUT (the Lease was deleted)
/// is `.conflict` so the machine re-reads, anything else is `.failed` and logged here. A 404 on create is `.failed`:
/// the namespace is missing, and a re-read would find no Lease and create again at once, a request loop without
/// pause for as long as the namespace is missing. Blocking (KubeClient is).
enum LeaseRequests {
    /// Which write: they differ in what a 404 means.
    enum Write {
        /// POST: a 404 means the namespace does not exist.
        case create
        /// PUT: a 404 means the Lease was deleted since it was read.
        case update
    }

    static func read(
        _ path: ResourcePath, client: KubeClient, logger: Logger, metadata: Logger.Metadata
    ) -> LeaderElector.Answer {
        let object: JSONValue
        do {
            object = try client.get(path)
        } catch {
            if error.apiError?.isNotFound == true { return .read(.notFound, nil) }
            logger.warning("reading the Lease failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .read(.failed, nil)
        }
        do throws(LeaderElectionError) {
            let record = try LeaseRecord(
                spec: object["spec"], namespace: path.namespace ?? "", name: path.name ?? "")
            guard let version = object[path: ["metadata", "resourceVersion"]]?.stringValue, !version.isEmpty else {
                throw .invalidLease(
                    namespace: path.namespace ?? "", name: path.name ?? "",
                    reason: "metadata.resourceVersion is missing")
            }
            return .read(.found(record, resourceVersion: version), object)
        } catch {
            logger.warning("the Lease cannot be used", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .read(.failed, nil)
        }
    }

    static func write(
        _ write: Write, logger: Logger, metadata: Logger.Metadata, _ request: () throws(KubeClientError) -> JSONValue
    ) -> LeaderElector.Answer {
        do {
            let object = try request()
            guard let version = object[path: ["metadata", "resourceVersion"]]?.stringValue, !version.isEmpty else {
                logger.warning("the API answered a Lease write without a resourceVersion", metadata: metadata)
                return .write(.failed, nil)
            }
            return .write(.success(resourceVersion: version), object)
        } catch {
            let status = error.apiError
            if status?.code == 409 || (status?.isNotFound == true && write == .update) {
                logger.debug("Lease write conflicted", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                return .write(.conflict, nil)
            }
            logger.warning("writing the Lease failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .write(.failed, nil)
        }
    }
}
