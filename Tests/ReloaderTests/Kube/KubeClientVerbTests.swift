import Foundation
import TestSupport
import Testing
import WebhookServer

@testable import Reloader

/// KubeClient through CurlTransport against a fake API server: each verb's method, path, query, headers and body.
@Suite("KubeClient verbs")
struct KubeClientVerbTests {
    static let deployments = ResourcePath(group: "apps", version: "v1", resource: "deployments", namespace: "payments")

    @Test("every verb sends the right method, path, query, content type and body over HTTP/2")
    func verbs() throws {
        let fake = try FakeAPIServer { request, _ in
            request.method == "GET" && request.query?.contains("limit") == true
                ? .json(200, #"{"kind":"DeploymentList","metadata":{"resourceVersion":"7"},"items":[{"a":1}]}"#)
                : .json(200, #"{"kind":"Deployment","metadata":{"name":"api"}}"#)
        }
        defer { fake.stop() }
        let client = fake.client()
        let object: JSONValue = ["metadata": ["name": "api"]]
        let api = Self.deployments.named("api")
        #expect(try client.get(api)["kind"] == "Deployment")
        let page = try client.list(
            Self.deployments, options: .init(labelSelector: "app=web", fieldSelector: "metadata.name=api", limit: 2))
        #expect(page == KubeClient.ListPage(items: [["a": 1]], resourceVersion: "7", continueToken: nil))
        _ = try client.create(Self.deployments, object, dryRun: true)
        _ = try client.update(api, object)
        for type in KubeClient.PatchType.allCases { _ = try client.patch(api, ["spec": ["paused": false]], type: type) }
        _ = try client.delete(api, propagationPolicy: .foreground, dryRun: true)

        let requests = fake.requests
        let path = "/apis/apps/v1/namespaces/payments/deployments"
        #expect(
            requests.map { "\($0.method) \($0.target)" } == [
                "GET \(path)/api",
                "GET \(path)?labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dapi&limit=2",
                "POST \(path)?dryRun=All",
                "PUT \(path)/api",
                "PATCH \(path)/api", "PATCH \(path)/api", "PATCH \(path)/api",
                "DELETE \(path)/api?dryRun=All&propagationPolicy=Foreground",
            ])
        #expect(
            requests.map { $0.headers["content-type"] ?? "-" } == [
                "-", "-", "application/json", "application/json", "application/strategic-merge-patch+json",
                "application/merge-patch+json", "application/json-patch+json", "-",
            ])
        #expect(
            requests.map(\.bodyText) == [
                "", "", #"{"metadata":{"name":"api"}}"#, #"{"metadata":{"name":"api"}}"#, #"{"spec":{"paused":false}}"#,
                #"{"spec":{"paused":false}}"#, #"{"spec":{"paused":false}}"#, "",
            ])
        for request in requests {
            #expect(request.version == .http2)
            #expect(request.headers["authorization"] == "Bearer secret-token")
            #expect(request.headers["accept"] == "application/json")
            #expect(request.headers["user-agent"] == "reloader/\(ReloaderVersion.string)")
        }
    }

    @Test("a core-group path and a non-JSON 2xx body")
    func invalidBody() throws {
        let fake = try FakeAPIServer { _, _ in .text(200, "not json") }
        defer { fake.stop() }
        #expect {
            _ = try fake.client().get(ResourcePath(resource: "configmaps", namespace: "a", name: "b"))
        } throws: { error in
            guard case .invalidResponse(let request, _) = error as? KubeClientError else { return false }
            return request == "get /api/v1/namespaces/a/configmaps/b"
        }
        #expect(fake.requests.map(\.path) == ["/api/v1/namespaces/a/configmaps/b"])
    }

    @Test("409 on update is a typed conflict; 409 AlreadyExists on create is not")
    func conflict() throws {
        let fake = try FakeAPIServer { request, _ in
            request.method == "PUT"
                ? .status(
                    409, "Conflict", "the object has been modified; please apply your changes to the latest version")
                : .status(409, "AlreadyExists", "deployments.apps \\\"api\\\" already exists")
        }
        defer { fake.stop() }
        let client = fake.client()
        #expect {
            _ = try client.update(Self.deployments.named("api"), ["metadata": ["resourceVersion": "1"]])
        } throws: { error in
            guard case .conflict(let apiError, _) = error as? KubeClientError else { return false }
            return apiError.code == 409 && apiError.message.hasPrefix("the object has been modified")
        }
        #expect {
            _ = try client.create(Self.deployments, ["metadata": ["name": "api"]])
        } throws: { error in
            (error as? KubeClientError)?.apiError?.isAlreadyExists == true
        }
        #expect(fake.requests.count == 2)  // neither retried
    }

    @Test("client-certificate auth from a kubeconfig: the PEM pair loads and the request succeeds")
    func clientCertificateKubeconfig() throws {
        let fake = try FakeAPIServer { _, _ in .json(200, "{}") }
        defer { fake.stop() }
        let directory = fake.server.directory
        let client = try TestCertificates.generate(in: directory.path, prefix: "client-", commonName: "reloader")
        let yaml = """
            apiVersion: v1
            kind: Config
            current-context: sim
            contexts:
            - name: sim
              context: {cluster: sim, user: reloader}
            clusters:
            - name: sim
              cluster:
                server: \(fake.server.url)
                certificate-authority: ca.crt
            users:
            - name: reloader
              user:
                client-certificate: client-tls.crt
                client-key-data: \(try Data(contentsOf: URL(fileURLWithPath: client.keyPath)).base64EncodedString())
            """
        try yaml.write(toFile: directory.file("kubeconfig"), atomically: true, encoding: .utf8)
        let configuration = try KubeConfiguration.kubeconfig(path: directory.file("kubeconfig"))
        #expect(configuration.tls.clientCertificatePEM != nil)
        _ = try fake.client(configuration: configuration).get(ResourcePath(resource: "namespaces", name: "default"))
        #expect(fake.requests.first?.headers["authorization"] == nil)
    }
}
