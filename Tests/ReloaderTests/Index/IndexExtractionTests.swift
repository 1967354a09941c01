import Foundation
import Testing

@testable import Reloader

/// `WorkloadRecord` extraction (contract §2 annotations, §4 usage), through both paths: the `JSONValue` tree and
/// the `JSONReader` byte path of list pages, which must agree.
@Suite("Index: workload record extraction")
struct IndexExtractionTests {
    typealias Use = WorkloadRecord.ConfigUse

    static func fixturePage() throws -> WorkloadListPage {
        try WorkloadListPage.decode(try FixtureFiles.bytes("deployments-list.json", in: "lists"), kind: .deployment)
    }

    static func record(_ page: WorkloadListPage, _ name: String) throws -> WorkloadRecord {
        try #require(page.records.first { $0.ref.name == name })
    }

    @Test("api: named reload on the pod template, ConfigMap volume and projected Secret")
    func api() throws {
        let api = try Self.record(try Self.fixturePage(), "api")
        #expect(api.ref == WorkloadRef(kind: .deployment, namespace: "shop", name: "api"))
        #expect(api.uid == "790e7eea-3781-487a-8a7e-1618a62ad128")
        #expect(api.resourceVersion == "70455")
        #expect(api.metadataAnnotations.isEmpty)  // deployment.kubernetes.io/revision is not kept
        #expect(api.templateAnnotation("configmap.reloader.stakater.com/reload") == "feature-flags")
        #expect(api.templateAnnotation("secret.reloader.stakater.com/reload") == "shop-tls")
        #expect(
            api.uses == [
                Use(kind: .configMap, name: "feature-flags", containerIndex: 0),
                Use(kind: .secret, name: "shop-tls", containerIndex: 0),
            ])
    }

    @Test("web: auto on metadata, secretKeyRef and envFrom")
    func web() throws {
        let web = try Self.record(try Self.fixturePage(), "web")
        #expect(web.metadataAnnotations == [.init(key: "reloader.stakater.com/auto", value: "true")])
        #expect(web.templateAnnotations.isEmpty)
        #expect(
            web.uses == [
                Use(kind: .secret, name: "db-credentials", containerIndex: 0),
                Use(kind: .configMap, name: "app-config", containerIndex: 0),
            ])
    }

    @Test("worker: no annotation, Secret volume and configMapKeyRef in an init container")
    func worker() throws {
        let worker = try Self.record(try Self.fixturePage(), "worker")
        #expect(worker.metadataAnnotations.isEmpty && worker.templateAnnotations.isEmpty)
        #expect(
            worker.uses == [
                Use(kind: .secret, name: "db-credentials", containerIndex: 0),
                Use(kind: .configMap, name: "app-config", containerIndex: 0),
            ])
    }

    @Test("the byte path and the tree path give the same records")
    func pathsAgree() throws {
        let bytes = try FixtureFiles.bytes("deployments-list.json", in: "lists")
        let page = try WorkloadListPage.decode(bytes, kind: .deployment)
        let items = try #require(try JSONValue.parse(bytes)["items"]?.arrayValue)
        let tree = items.compactMap { WorkloadRecord.extract(from: $0, kind: .deployment) }
        #expect(page.records == tree)
        #expect(page.records.count == 3)
        let rich = try WorkloadRecord.extract(fromJSON: Array(Self.richDeployment.utf8), kind: .deployment)
        #expect(rich == WorkloadRecord.extract(from: try JSONValue.parse(Self.richDeployment), kind: .deployment))
    }

    @Test("a page's continue token and resourceVersion")
    func pageMetadata() throws {
        let page = try WorkloadListPage.decode(
            try FixtureFiles.bytes("deployments-list-page1.json", in: "lists"), kind: .deployment)
        #expect(page.records.map(\.ref.name) == ["api", "web"])
        #expect(page.resourceVersion == "70931")
        #expect(page.continueToken?.hasPrefix("eyJ2Ijoib") == true)
        #expect(try Self.fixturePage().continueToken == nil)
    }

    /// Every usage kind of contract §4, and the things that are not counted.
    static let richDeployment = """
        {"metadata":{"name":"rich","namespace":"ns","uid":"u-1","resourceVersion":"42",
          "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\\"big\\":true}",
                         "secrets.exclude.reloader.stakater.com/reload":"skip-me",
                         "deployment.reloader.stakater.com/pause-period":"5m"}},
         "spec":{"template":{"metadata":{"annotations":{"reloader.stakater.com/search":"true",
             "reloader.stakater.com/last-reloaded-from":"{\\"type\\":\\"CONFIGMAP\\",\\"hash\\":\\"ab\\"}"}},
           "spec":{
             "imagePullSecrets":[{"name":"registry-creds"}],
             "volumes":[
               {"name":"cfg","configMap":{"name":"mounted-by-second"}},
               {"name":"proj","projected":{"sources":[{"configMap":{"name":"proj-cm"}},{"secret":{"name":"proj-secret"}},
                                                     {"serviceAccountToken":{"path":"token"}}]}},
               {"name":"csi","csi":{"driver":"secrets-store.csi.k8s.io","volumeAttributes":{"secretProviderClass":"vault-spc"}}},
               {"name":"initonly","secret":{"secretName":"init-mounted"}},
               {"name":"unmounted","configMap":{"name":"nobody-mounts"}},
               {"name":"empty","emptyDir":{}}],
             "initContainers":[{"name":"init","volumeMounts":[{"name":"initonly","mountPath":"/i"}],
               "envFrom":[{"secretRef":{"name":"init-envfrom"}}]}],
             "containers":[
               {"name":"first","volumeMounts":[{"name":"proj","mountPath":"/p"},{"name":"csi","mountPath":"/c"}],
                "env":[{"name":"STAKATER_APP_CONFIG_CONFIGMAP","value":"0123abcd"},{"name":"PLAIN","value":"x"}]},
               {"name":"second","volumeMounts":[{"name":"cfg","mountPath":"/cfg"}],
                "env":[{"name":"A","valueFrom":{"configMapKeyRef":{"name":"env-cm","key":"a"}}},
                       {"name":"B","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
                "envFrom":[{"secretRef":{"name":"envfrom-secret"}},{"configMapRef":{"name":"mounted-by-second"}}]}],
             "ephemeralContainers":[{"name":"debug","envFrom":[{"configMapRef":{"name":"ephemeral-cm"}}]}]}}}}
        """

    @Test("every usage kind, with the container that receives the env var")
    func allUsageKinds() throws {
        let record = try #require(
            try WorkloadRecord.extract(fromJSON: Array(Self.richDeployment.utf8), kind: .deployment))
        #expect(
            record.uses == [
                Use(kind: .configMap, name: "mounted-by-second", containerIndex: 1),
                Use(kind: .configMap, name: "proj-cm", containerIndex: 0),
                Use(kind: .secret, name: "proj-secret", containerIndex: 0),
                Use(kind: .secretProviderClass, name: "vault-spc", containerIndex: 0),
                Use(kind: .secret, name: "init-mounted", containerIndex: 0),  // only an init container mounts it
                Use(kind: .configMap, name: "env-cm", containerIndex: 1),
                Use(kind: .secret, name: "envfrom-secret", containerIndex: 1),
                Use(kind: .secret, name: "init-envfrom", containerIndex: 0),  // init container env -> containers[0]
            ])
        // Not counted: a volume no container mounts, ephemeral containers, imagePullSecrets.
        #expect(!record.uses(.configMap, named: "nobody-mounts"))
        #expect(!record.uses(.configMap, named: "ephemeral-cm"))
        #expect(!record.uses(.secret, named: "registry-creds"))
        #expect(
            record.reloaderEnv == [.init(containerIndex: 0, name: "STAKATER_APP_CONFIG_CONFIGMAP", value: "0123abcd")])
        #expect(record.lastReloadedFrom == #"{"type":"CONFIGMAP","hash":"ab"}"#)
        #expect(
            record.metadataAnnotations == [
                .init(key: "deployment.reloader.stakater.com/pause-period", value: "5m"),
                .init(key: "secrets.exclude.reloader.stakater.com/reload", value: "skip-me"),
            ])
        #expect(record.templateAnnotations == [.init(key: "reloader.stakater.com/search", value: "true")])
        #expect(record.uid == "u-1" && record.resourceVersion == "42")
    }

    @Test("a CronJob's pod template is under spec.jobTemplate.spec.template")
    func cronJob() throws {
        let json = """
            {"metadata":{"name":"nightly","namespace":"ops","annotations":{"reloader.stakater.com/auto":"true"}},
             "spec":{"schedule":"0 3 * * *","jobTemplate":{"spec":{"template":{"spec":{
               "containers":[{"name":"c","envFrom":[{"configMapRef":{"name":"job-config"}}]}]}}}}}}
            """
        let record = try #require(try WorkloadRecord.extract(fromJSON: Array(json.utf8), kind: .cronJob))
        #expect(record.uses == [Use(kind: .configMap, name: "job-config", containerIndex: 0)])
        #expect(record.metadataAnnotation("reloader.stakater.com/auto") == "true")
        #expect(record == WorkloadRecord.extract(from: try JSONValue.parse(json), kind: .cronJob))
    }

    @Test(
        "fields of an unexpected type are skipped, not fatal",
        arguments: [
            #"{"metadata":{"name":"a","annotations":null},"spec":{"template":null}}"#,
            #"{"metadata":{"name":"a","namespace":"n"},"spec":{"template":{"spec":{"containers":null,"volumes":[1]}}}}"#,
        ])
    func tolerant(json: String) throws {
        let record = try #require(try WorkloadRecord.extract(fromJSON: Array(json.utf8), kind: .deployment))
        #expect(record.ref.name == "a" && record.uses.isEmpty)
    }

    @Test("invalid JSON is an error with its offset; an item without a name is dropped")
    func invalid() throws {
        #expect(throws: WorkloadListPage.DecodingError.self) {
            try WorkloadListPage.decode(Array(#"{"items":[{"metadata":{"name":"a"}"#.utf8), kind: .deployment)
        }
        let page = try WorkloadListPage.decode(
            Array(#"{"items":[{"metadata":{}},{"metadata":{"name":"b"}}]}"#.utf8), kind: .job)
        #expect(page.records.map(\.ref) == [WorkloadRef(kind: .job, namespace: "", name: "b")])
    }

    @Test("renamed annotation keys are kept under their new names")
    func renamedKeys() throws {
        let keys = IndexedAnnotationKeys(
            reloadLists: [.configMap: "example.com/reload-cm"], otherKeys: ["example.com/auto"])
        let json = #"{"metadata":{"name":"a","annotations":{"example.com/auto":"1","reloader.stakater.com/auto":"1"}}}"#
        let record = try #require(
            try WorkloadRecord.extract(fromJSON: Array(json.utf8), kind: .deployment, keys: keys))
        #expect(record.metadataAnnotations == [.init(key: "example.com/auto", value: "1")])
    }
}
