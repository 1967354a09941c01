import KubeSim
import Reloader
import Testing

/// The Deployment every workload case patches: two containers, one volume.
private let deployment = #"""
    {"kind":"Deployment","metadata":{"name":"api","labels":{"app":"api","tier":"web"}},
     "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"api"}},"spec":{
       "containers":[
         {"name":"api","image":"api:1","env":[{"name":"LOG","value":"info"}],
          "envFrom":[{"configMapRef":{"name":"api-config"}}],"ports":[{"containerPort":8080,"protocol":"TCP"}]},
         {"name":"proxy","image":"proxy:1","env":[{"name":"UPSTREAM","value":"api:8080"},{"name":"MODE",
          "value":"tcp"}]}],
       "volumes":[{"name":"config","configMap":{"name":"api-config"}}]}}}}
    """#

private let cronJob = #"""
    {"kind":"CronJob","metadata":{"name":"report"},"spec":{"schedule":"0 * * * *","jobTemplate":{"spec":{"template":
      {"spec":{"restartPolicy":"OnFailure","containers":[{"name":"report","image":"report:1",
       "env":[{"name":"TARGET","value":"s3"},{"name":"LEVEL","value":"1"}]}]}}}}}}
    """#

private let pod = #"""
    {"kind":"Pod","metadata":{"name":"debug"},"spec":{"containers":[{"name":"shell","image":"busybox",
      "env":[{"name":"A","value":"1"}]}]}}
    """#

/// Patches as `kubectl patch --type strategic` and `kubectl apply` send them, with results written by hand from
/// the SMP doc and the "Update API Objects in Place Using kubectl patch" task page.
@Test(
    "strategic merge patch merges workload pod templates as kube-apiserver does",
    arguments: [
        (
            "add an env var to the second container", deployment,
            #"""
            {"spec":{"template":{"spec":{"containers":[{"name":"proxy","env":[{"name":"RELOADED","value":"1"}]}]}}}}
            """#,
            #"""
            {"kind":"Deployment","metadata":{"name":"api","labels":{"app":"api","tier":"web"}},
             "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"api"}},"spec":{
               "containers":[
                 {"name":"api","image":"api:1","env":[{"name":"LOG","value":"info"}],
                  "envFrom":[{"configMapRef":{"name":"api-config"}}],"ports":[{"containerPort":8080,"protocol":"TCP"}]},
                 {"name":"proxy","image":"proxy:1","env":[{"name":"UPSTREAM","value":"api:8080"},{"name":"MODE",
                  "value":"tcp"},
                   {"name":"RELOADED","value":"1"}]}],
               "volumes":[{"name":"config","configMap":{"name":"api-config"}}]}}}}
            """#
        ),
        (
            "change one env value in place", deployment,
            #"""
            {"spec":{"template":{"spec":{"containers":[{"name":"proxy","env":[{"name":"UPSTREAM",
             "value":"api:9090"}]}]}}}}
            """#,
            #"""
            {"kind":"Deployment","metadata":{"name":"api","labels":{"app":"api","tier":"web"}},
             "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"api"}},"spec":{
               "containers":[
                 {"name":"api","image":"api:1","env":[{"name":"LOG","value":"info"}],
                  "envFrom":[{"configMapRef":{"name":"api-config"}}],"ports":[{"containerPort":8080,"protocol":"TCP"}]},
                 {"name":"proxy","image":"proxy:1","env":[{"name":"UPSTREAM","value":"api:9090"},{"name":"MODE",
                  "value":"tcp"}]}],
               "volumes":[{"name":"config","configMap":{"name":"api-config"}}]}}}}
            """#
        ),
        (
            "delete an env var with $patch: delete", deployment,
            #"""
            {"spec":{"template":{"spec":{"containers":[{"name":"proxy","env":[{"$patch":"delete",
             "name":"UPSTREAM"}]}]}}}}
            """#,
            #"""
            {"kind":"Deployment","metadata":{"name":"api","labels":{"app":"api","tier":"web"}},
             "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"api"}},"spec":{
               "containers":[
                 {"name":"api","image":"api:1","env":[{"name":"LOG","value":"info"}],
                  "envFrom":[{"configMapRef":{"name":"api-config"}}],"ports":[{"containerPort":8080,"protocol":"TCP"}]},
                 {"name":"proxy","image":"proxy:1","env":[{"name":"MODE","value":"tcp"}]}],
               "volumes":[{"name":"config","configMap":{"name":"api-config"}}]}}}}
            """#
        ),
        (
            "add a pod-template annotation", deployment,
            #"{"spec":{"template":{"metadata":{"annotations":{"reloader.stakater.com/last-reloaded-from":"x"}}}}}"#,
            #"""
            {"kind":"Deployment","metadata":{"name":"api","labels":{"app":"api","tier":"web"}},
             "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"api"},
               "annotations":{"reloader.stakater.com/last-reloaded-from":"x"}},"spec":{
               "containers":[
                 {"name":"api","image":"api:1","env":[{"name":"LOG","value":"info"}],
                  "envFrom":[{"configMapRef":{"name":"api-config"}}],"ports":[{"containerPort":8080,"protocol":"TCP"}]},
                 {"name":"proxy","image":"proxy:1","env":[{"name":"UPSTREAM","value":"api:8080"},{"name":"MODE",
                  "value":"tcp"}]}],
               "volumes":[{"name":"config","configMap":{"name":"api-config"}}]}}}}
            """#
        ),
        (
            "add a volume and its volumeMount", deployment,
            #"""
            {"spec":{"template":{"spec":{"containers":[{"name":"api","volumeMounts":[{"name":"tls",
             "mountPath":"/etc/tls"}]}],
              "volumes":[{"name":"tls","secret":{"secretName":"api-tls"}}]}}}}
            """#,
            #"""
            {"kind":"Deployment","metadata":{"name":"api","labels":{"app":"api","tier":"web"}},
             "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"api"}},"spec":{
               "containers":[
                 {"name":"api","image":"api:1","env":[{"name":"LOG","value":"info"}],
                  "envFrom":[{"configMapRef":{"name":"api-config"}}],"ports":[{"containerPort":8080,"protocol":"TCP"}],
                  "volumeMounts":[{"name":"tls","mountPath":"/etc/tls"}]},
                 {"name":"proxy","image":"proxy:1","env":[{"name":"UPSTREAM","value":"api:8080"},{"name":"MODE",
                  "value":"tcp"}]}],
               "volumes":[{"name":"config","configMap":{"name":"api-config"}},{"name":"tls",
                "secret":{"secretName":"api-tls"}}]}}}}
            """#
        ),
        (
            "replace envFrom, which has no merge key", deployment,
            #"""
            {"spec":{"template":{"spec":{"containers":[{"name":"api",
             "envFrom":[{"secretRef":{"name":"api-secret"}}]}]}}}}
            """#,
            #"""
            {"kind":"Deployment","metadata":{"name":"api","labels":{"app":"api","tier":"web"}},
             "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"api"}},"spec":{
               "containers":[
                 {"name":"api","image":"api:1","env":[{"name":"LOG","value":"info"}],
                  "envFrom":[{"secretRef":{"name":"api-secret"}}],"ports":[{"containerPort":8080,"protocol":"TCP"}]},
                 {"name":"proxy","image":"proxy:1","env":[{"name":"UPSTREAM","value":"api:8080"},{"name":"MODE",
                  "value":"tcp"}]}],
               "volumes":[{"name":"config","configMap":{"name":"api-config"}}]}}}}
            """#
        ),
        (
            "merge a port by containerPort", deployment,
            #"""
            {"spec":{"template":{"spec":{"containers":[{"name":"api","ports":[{"containerPort":8080,
             "name":"http"}]}]}}}}
            """#,
            #"""
            {"kind":"Deployment","metadata":{"name":"api","labels":{"app":"api","tier":"web"}},
             "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"api"}},"spec":{
               "containers":[
                 {"name":"api","image":"api:1","env":[{"name":"LOG","value":"info"}],
                  "envFrom":[{"configMapRef":{"name":"api-config"}}],
                  "ports":[{"containerPort":8080,"protocol":"TCP","name":"http"}]},
                 {"name":"proxy","image":"proxy:1","env":[{"name":"UPSTREAM","value":"api:8080"},{"name":"MODE",
                  "value":"tcp"}]}],
               "volumes":[{"name":"config","configMap":{"name":"api-config"}}]}}}}
            """#
        ),
        (
            "$patch: replace on the container list", deployment,
            #"{"spec":{"template":{"spec":{"containers":[{"name":"solo","image":"solo:1"},{"$patch":"replace"}]}}}}"#,
            #"""
            {"kind":"Deployment","metadata":{"name":"api","labels":{"app":"api","tier":"web"}},
             "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"api"}},"spec":{
               "containers":[{"name":"solo","image":"solo:1"}],
               "volumes":[{"name":"config","configMap":{"name":"api-config"}}]}}}}
            """#
        ),
        (
            "null deletes a label", deployment,
            #"{"metadata":{"labels":{"tier":null}}}"#,
            #"""
            {"kind":"Deployment","metadata":{"name":"api","labels":{"app":"api"}},
             "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"api"}},"spec":{
               "containers":[
                 {"name":"api","image":"api:1","env":[{"name":"LOG","value":"info"}],
                  "envFrom":[{"configMapRef":{"name":"api-config"}}],"ports":[{"containerPort":8080,"protocol":"TCP"}]},
                 {"name":"proxy","image":"proxy:1","env":[{"name":"UPSTREAM","value":"api:8080"},{"name":"MODE",
                  "value":"tcp"}]}],
               "volumes":[{"name":"config","configMap":{"name":"api-config"}}]}}}}
            """#
        ),
        (
            "kubectl apply's $setElementOrder is accepted and dropped", deployment,
            #"""
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"api"},{"name":"proxy"}],
              "containers":[{"name":"api","image":"api:2"}]}}}}
            """#,
            #"""
            {"kind":"Deployment","metadata":{"name":"api","labels":{"app":"api","tier":"web"}},
             "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"api"}},"spec":{
               "containers":[
                 {"name":"api","image":"api:2","env":[{"name":"LOG","value":"info"}],
                  "envFrom":[{"configMapRef":{"name":"api-config"}}],"ports":[{"containerPort":8080,"protocol":"TCP"}]},
                 {"name":"proxy","image":"proxy:1","env":[{"name":"UPSTREAM","value":"api:8080"},{"name":"MODE",
                  "value":"tcp"}]}],
               "volumes":[{"name":"config","configMap":{"name":"api-config"}}]}}}}
            """#
        ),
        (
            "a CronJob's jobTemplate env changes in place", cronJob,
            #"""
            {"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"report",
              "env":[{"name":"TARGET","value":"gcs"}]}]}}}}}}
            """#,
            #"""
            {"kind":"CronJob","metadata":{"name":"report"},"spec":{"schedule":"0 * * * *",
             "jobTemplate":{"spec":{"template":
              {"spec":{"restartPolicy":"OnFailure","containers":[{"name":"report","image":"report:1",
               "env":[{"name":"TARGET","value":"gcs"},{"name":"LEVEL","value":"1"}]}]}}}}}}
            """#
        ),
        (
            "a bare Pod's containers merge by name", pod,
            #"{"spec":{"containers":[{"name":"shell","env":[{"name":"B","value":"2"}]}]}}"#,
            #"""
            {"kind":"Pod","metadata":{"name":"debug"},"spec":{"containers":[{"name":"shell","image":"busybox",
              "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]}}
            """#
        ),
    ])
func workloadPatch(behaviour: String, target: String, patch: String, expected: String) throws {
    let patched = try StrategicMergePatch.apply(
        try JSONValue.parse(patch), to: try JSONValue.parse(target), schema: .workloads)
    #expect(patched == (try JSONValue.parse(expected)), "\(behaviour)")
}
