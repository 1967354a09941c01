import KubeSim
import Reloader
import Testing

/// The directives and list strategies of the SMP doc, one at a time, with the workloads schema.
@Test(
    "strategic merge patch directives and list strategies",
    arguments: [
        // SMP doc "delete Directive / Maps" and its null equivalent.
        (
            #"{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}"#,
            #"{"spec":{"strategy":{"rollingUpdate":{"$patch":"delete"}}}}"#,
            #"{"spec":{"strategy":{"type":"RollingUpdate"}}}"#
        ),
        (
            #"{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}"#,
            #"{"spec":{"strategy":{"rollingUpdate":null}}}"#, #"{"spec":{"strategy":{"type":"RollingUpdate"}}}"#
        ),
        // SMP doc "replace Directive / Map": taken literally, not merged.
        (
            #"{"spec":{"selector":{"matchLabels":{"app":"a"},"matchExpressions":[{"key":"k","operator":"Exists"}]}}}"#,
            #"{"spec":{"selector":{"$patch":"replace","matchLabels":{"app":"b"}}}}"#,
            #"{"spec":{"selector":{"matchLabels":{"app":"b"}}}}"#
        ),
        // SMP doc "delete Directive / List of Maps": every element with that key goes.
        (
            #"{"spec":{"containers":[{"name":"a"},{"name":"b"},{"name":"a","image":"dup"}]}}"#,
            #"{"spec":{"containers":[{"$patch":"delete","name":"a"}]}}"#, #"{"spec":{"containers":[{"name":"b"}]}}"#
        ),
        // Deleting an element that is not there changes nothing.
        (
            #"{"spec":{"containers":[{"name":"a"}]}}"#, #"{"spec":{"containers":[{"$patch":"delete","name":"z"}]}}"#,
            #"{"spec":{"containers":[{"name":"a"}]}}"#
        ),
        // A merged element loses a field to null; a new element is added without its nulls.
        (
            #"{"spec":{"containers":[{"name":"a","image":"x","args":["-v"]}]}}"#,
            #"{"spec":{"containers":[{"name":"a","args":null},{"name":"b","image":"y","command":null}]}}"#,
            #"{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}"#
        ),
        // A list the schema does not name (container args) is replaced, like merge patch.
        (
            #"{"spec":{"containers":[{"name":"a","args":["-v","-x"]}]}}"#,
            #"{"spec":{"containers":[{"name":"a","args":["-q"]}]}}"#,
            #"{"spec":{"containers":[{"name":"a","args":["-q"]}]}}"#
        ),
        // tolerations carry no patch strategy in Kubernetes: replaced.
        (
            #"{"spec":{"template":{"spec":{"tolerations":[{"key":"a","operator":"Exists"}]}}}}"#,
            #"{"spec":{"template":{"spec":{"tolerations":[{"key":"b","operator":"Exists"}]}}}}"#,
            #"{"spec":{"template":{"spec":{"tolerations":[{"key":"b","operator":"Exists"}]}}}}"#
        ),
        // imagePullSecrets and volumes merge by name.
        (
            #"""
            {"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"a"}],"volumes":[{"name":"v","emptyDir":{}}]}}}}
            """#,
            #"""
            {"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"b"}],"volumes":[{"name":"v",
             "emptyDir":{"medium":"Memory"}}]}}}}
            """#,
            #"""
            {"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"a"},{"name":"b"}],"volumes":[{"name":"v",
             "emptyDir":{"medium":"Memory"}}]}}}}
            """#
        ),
        // initContainers' env merges like containers'.
        (
            #"{"spec":{"template":{"spec":{"initContainers":[{"name":"i","env":[{"name":"A","value":"1"}]}]}}}}"#,
            #"{"spec":{"template":{"spec":{"initContainers":[{"name":"i","env":[{"name":"A","value":"2"}]}]}}}}"#,
            #"{"spec":{"template":{"spec":{"initContainers":[{"name":"i","env":[{"name":"A","value":"2"}]}]}}}}"#
        ),
        // metadata.finalizers is a set (SMP doc "List of Primitives (Unordered Set)").
        (
            #"{"metadata":{"finalizers":["a","b"]}}"#, #"{"metadata":{"finalizers":["b","c"]}}"#,
            #"{"metadata":{"finalizers":["a","b","c"]}}"#
        ),
        // SMP doc "deleteFromPrimitiveList Directive" example.
        (
            #"{"metadata":{"finalizers":["a","b","c"]}}"#,
            #"{"metadata":{"$deleteFromPrimitiveList/finalizers":["b","c"]}}"#,
            #"{"metadata":{"finalizers":["a"]}}"#
        ),
        (
            #"{"metadata":{"finalizers":["a","b"]}}"#,
            #"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"],"finalizers":["c"]}}"#,
            #"{"metadata":{"finalizers":["b","c"]}}"#
        ),
        (#"{"metadata":{}}"#, #"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}"#, #"{"metadata":{}}"#),
        // ownerReferences merge by uid.
        (
            #"{"metadata":{"ownerReferences":[{"uid":"1","kind":"ReplicaSet","controller":true}]}}"#,
            #"{"metadata":{"ownerReferences":[{"uid":"1","controller":false},{"uid":"2","kind":"Job"}]}}"#,
            #"""
            {"metadata":{"ownerReferences":[{"uid":"1","kind":"ReplicaSet","controller":false},{"uid":"2",
             "kind":"Job"}]}}
            """#
        ),
        // A merged list created where the target had none.
        (
            #"{"spec":{}}"#, #"{"spec":{"containers":[{"name":"a","env":null}]}}"#,
            #"{"spec":{"containers":[{"name":"a"}]}}"#
        ),
        // $patch: delete at the root leaves an empty object.
        (#"{"a":1}"#, #"{"$patch":"delete"}"#, #"{}"#),
        // ConfigMap data is a plain map.
        (#"{"data":{"a":"1","b":"2"}}"#, #"{"data":{"a":null,"c":"3"}}"#, #"{"data":{"b":"2","c":"3"}}"#),
    ])
func strategicDirective(target: String, patch: String, expected: String) throws {
    let patched = try StrategicMergePatch.apply(
        try JSONValue.parse(patch), to: try JSONValue.parse(target), schema: .workloads)
    #expect(patched == (try JSONValue.parse(expected)))
}

@Test(
    "strategic merge patch refuses what it cannot apply, naming the field",
    arguments: [
        (
            #"""
            {"spec":{"template":{"spec":{"volumes":[{"name":"config","$retainKeys":["configMap","name"],
             "configMap":{"name":"c"}}]}}}}
            """#,
            PatchError.unsupportedDirective(path: "spec.template.spec.volumes[0]", directive: "$retainKeys")
        ),
        (
            #"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#,
            .unsupportedDirective(path: "spec.strategy", directive: "$retainKeys")
        ),
        (
            #"{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}"#,
            .missingMergeKey(path: "spec.template.spec.containers[0]", key: "name")
        ),
        (
            #"{"spec":{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"A"},{"$patch":"delete"}]}]}}}}"#,
            .missingMergeKey(path: "spec.template.spec.containers[0].env[1]", key: "name")
        ),
        (#"{"spec":{"containers":["api"]}}"#, .invalidMergeListElement(path: "spec.containers[0]", key: "name")),
        (#"{"spec":{"$patch":"merge"}}"#, .unknownPatchDirective(path: "spec", value: "merge")),
        (
            #"{"spec":{"containers":[{"$patch":1,"name":"a"}]}}"#,
            .unknownPatchDirective(path: "spec.containers[0]", value: "1")
        ),
        (
            #"{"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}}"#,
            .invalidDirectiveValue(
                path: "metadata", directive: "$deleteFromPrimitiveList/finalizers", reason: "must be a list")
        ),
        (#"[{"op":"add"}]"#, .invalidDocument(patchType: "strategic merge patch", reason: "must be a JSON object")),
    ])
func strategicRefusal(patch: String, error: PatchError) throws {
    let target = try JSONValue.parse(
        #"{"metadata":{"finalizers":["x"]},"spec":{"containers":[{"name":"a","env":[{"name":"A"}]}]}}"#)
    let parsed = try JSONValue.parse(patch)
    #expect(throws: error) { try StrategicMergePatch.apply(parsed, to: target, schema: .workloads) }
}

/// Without a schema, and without directives, strategic merge patch is RFC 7386 merge patch (the SMP doc's
/// starting point): the object-patch rows of RFC 7386 Appendix A.
@Test(
    "with an empty schema strategic merge patch equals merge patch",
    arguments: [
        (#"{"a":"b"}"#, #"{"a":"c"}"#), (#"{"a":"b"}"#, #"{"b":"c"}"#), (#"{"a":"b"}"#, #"{"a":null}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#), (#"{"a":"c"}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#), (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#),
        (#"{"e":null}"#, #"{"a":1}"#), (#"[1,2]"#, #"{"a":"b","c":null}"#), (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#),
        (#"{"spec":{"containers":[{"name":"a"}]}}"#, #"{"spec":{"containers":[{"name":"b"}]}}"#),
    ])
func emptySchemaIsMergePatch(target: String, patch: String) throws {
    let parsedTarget = try JSONValue.parse(target)
    let parsedPatch = try JSONValue.parse(patch)
    let strategic = try StrategicMergePatch.apply(parsedPatch, to: parsedTarget, schema: StrategicMergeSchema())
    #expect(strategic == MergePatch.apply(parsedPatch, to: parsedTarget))
}

@Test("a strategic merge patch error names the field like kube-apiserver")
func strategicErrorDescription() {
    #expect(
        PatchError.missingMergeKey(path: "spec.template.spec.containers[0]", key: "name").description
            == "spec.template.spec.containers[0]: map does not contain declared merge key: name")
    #expect(
        PatchError.unsupportedDirective(path: "", directive: "$retainKeys").description
            == "<root>: strategic merge patch directive $retainKeys is not supported")
}
