{{/* The release's full name: the release name when it already contains the chart name (as helm create does). */}}
{{- define "reloader.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "reloader.name" -}}
{{- default .Chart.Name .Values.nameOverride -}}
{{- end -}}

{{- define "reloader.selectorLabels" -}}
app.kubernetes.io/name: {{ include "reloader.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "reloader.labels" -}}
{{ include "reloader.selectorLabels" . }}
app.kubernetes.io/part-of: reloader
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "reloader.serviceAccountName" -}}
{{- if .Values.reloader.serviceAccount.create -}}
{{- default (include "reloader.fullname" .) .Values.reloader.serviceAccount.name -}}
{{- else -}}
{{- required "reloader.serviceAccount.name is required when serviceAccount.create is false" .Values.reloader.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "reloader.certSecretName" -}}
{{- default (printf "%s-serving-cert" (include "reloader.fullname" .)) .Values.webhook.certSecretName -}}
{{- end -}}

{{/* The webhook's namespaceSelector: the release namespace only (watchGlobally false), else every namespace but
     the release's own, kube-system and the ignored ones. */}}
{{- define "reloader.webhookNamespaceSelector" -}}
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
{{- if .Values.reloader.watchGlobally }}
      operator: NotIn
      values:
        - {{ .Release.Namespace }}
        - kube-system
{{- range $namespace := splitList "," .Values.reloader.ignoreNamespaces }}
{{- if trim $namespace }}
        - {{ trim $namespace }}
{{- end }}
{{- end }}
{{- else }}
      operator: In
      values:
        - {{ .Release.Namespace }}
{{- end }}
{{- end -}}

{{/* What reloader reads and patches (least privilege, from the engine's API calls; see the kustomize base's
     rbac.yaml, which the tests compare with this). The ClusterRole adds the cluster-scoped Namespace list. */}}
{{- define "reloader.watchRules" -}}
- apiGroups: [""]
  resources: ["configmaps", "secrets"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
- apiGroups: ["apps"]
  resources: ["deployments", "daemonsets", "statefulsets"]
  verbs: ["get", "list", "patch"]
- apiGroups: ["batch"]
  resources: ["cronjobs"]
  verbs: ["get", "list"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "create", "delete"]
- apiGroups: ["argoproj.io"]
  resources: ["rollouts"]
  verbs: ["get", "list", "patch"]
- apiGroups: ["apps.openshift.io"]
  resources: ["deploymentconfigs"]
  verbs: ["get", "list", "patch"]
- apiGroups: ["secrets-store.csi.x-k8s.io"]
  resources: ["secretproviderclasspodstatuses"]
  verbs: ["get"]
{{- end -}}
