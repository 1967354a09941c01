import Foundation

extension AdmissionReview {
    /// Deep enough for any object kube-apiserver sends us (a Deployment with managedFields nests about 20 levels),
    /// far below where parsing recursion could hurt.
    public static let maximumNestingDepth = 128

    /// Decodes and validates a request body. Checks run in the order a caller can fix them: JSON, apiVersion,
    /// kind, request, uid, then the request's fields. Unknown fields are ignored.
    public static func decode(_ body: [UInt8]) throws(AdmissionDecodingError) -> AdmissionReview {
        guard !body.isEmpty else { throw .emptyBody }
        if JSONNesting.depth(of: body, exceeds: maximumNestingDepth) {
            throw .nestingTooDeep(limit: maximumNestingDepth)
        }
        let data = Data(body)
        do {
            return try JSONDecoder().decode(Envelope.self, from: data).review
        } catch let error as AdmissionDecodingError {
            throw error
        } catch let error as DecodingError {
            throw AdmissionDecodingError(error, body: data)
        } catch {
            throw .notJSON(reason: String(describing: error))
        }
    }

    /// The top level, decoded by hand so the envelope is validated before the request is looked at.
    private struct Envelope: Decodable {
        var review: AdmissionReview

        private enum CodingKeys: String, CodingKey {
            case apiVersion, kind, request
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
            guard apiVersion == AdmissionReview.apiVersion else {
                throw AdmissionDecodingError.unsupportedAPIVersion(apiVersion)
            }
            let kind = try container.decodeIfPresent(String.self, forKey: .kind)
            guard kind == AdmissionReview.kind else { throw AdmissionDecodingError.wrongKind(kind) }
            guard let request = try container.decodeIfPresent(AdmissionRequest.self, forKey: .request) else {
                throw AdmissionDecodingError.missingRequest
            }
            review = AdmissionReview(request: request)
        }
    }
}

extension AdmissionRequest: Decodable {
    private enum CodingKeys: String, CodingKey {
        case uid, kind, resource, subResource, name, namespace, operation, dryRun, object, oldObject
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let uid = try container.decodeIfPresent(String.self, forKey: .uid), !uid.isEmpty else {
            throw AdmissionDecodingError.missingUID
        }
        let length = uid.count
        guard length <= Self.maximumUIDLength else { throw AdmissionDecodingError.uidTooLong(length: length) }
        self.uid = uid
        kind = try container.decode(GroupVersionKind.self, forKey: .kind)
        resource = try container.decode(GroupVersionResource.self, forKey: .resource)
        subResource = try container.decodeIfPresent(String.self, forKey: .subResource)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        operation = try container.decode(AdmissionOperation.self, forKey: .operation)
        dryRun = try container.decodeIfPresent(Bool.self, forKey: .dryRun)
        object = try container.decodeIfPresent(KubeObject.self, forKey: .object)
        oldObject = try container.decodeIfPresent(KubeObject.self, forKey: .oldObject)
    }
}
