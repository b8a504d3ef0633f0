{{/* Chart name, overridable with nameOverride. */}}
{{- define "jobledger.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; leaves room for a "-scheduling" suffix within 63 characters. */}}
{{- define "jobledger.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "jobledger.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Services and their ports (the PORT each process listens on). */}}
{{- define "jobledger.components" -}}
gateway: 8080
submission: 8081
scheduling: 8082
execution: 8083
query: 8084
{{- end }}

{{- define "jobledger.selectorLabels" -}}
app.kubernetes.io/name: {{ include "jobledger.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "jobledger.labels" -}}
helm.sh/chart: {{ include "jobledger.chart" . }}
{{ include "jobledger.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: jobledger
{{- end }}

{{/* Per-service helpers take (dict "root" $ "component" "query"). */}}
{{- define "jobledger.componentName" -}}
{{- printf "%s-%s" (include "jobledger.fullname" .root) .component }}
{{- end }}

{{- define "jobledger.componentSelectorLabels" -}}
{{ include "jobledger.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "jobledger.componentLabels" -}}
{{ include "jobledger.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "jobledger.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "jobledger.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "jobledger.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "jobledger.kafkaBrokers" -}}
{{- if kindIs "slice" .Values.kafka.brokers }}
{{- join "," .Values.kafka.brokers }}
{{- else }}
{{- .Values.kafka.brokers }}
{{- end }}
{{- end }}

{{/* The chart's own Secret holds whatever is not given as an existingSecret. */}}
{{- define "jobledger.secretName" -}}
{{- include "jobledger.fullname" . }}
{{- end }}

{{- define "jobledger.hookName" -}}
{{- printf "%s-hooks" (include "jobledger.fullname" .) }}
{{- end }}

{{/* DATABASE_URL from postgres.existingSecret or from the Secret named by `secret`. */}}
{{- define "jobledger.databaseUrlEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- if .root.Values.postgres.existingSecret }}
      name: {{ .root.Values.postgres.existingSecret }}
      key: {{ .root.Values.postgres.existingSecretKey }}
      {{- else }}
      name: {{ .secret }}
      key: database-url
      {{- end }}
{{- end }}

{{/* Environment shared by every process (the runtime contract). */}}
{{- define "jobledger.commonEnv" -}}
- name: KAFKA_BROKERS
  value: {{ include "jobledger.kafkaBrokers" .root | quote }}
{{ include "jobledger.databaseUrlEnv" . }}
- name: JOBLEDGER_TOPIC_PREFIX
  value: {{ .root.Values.topics.prefix | quote }}
- name: JOBLEDGER_SCHEMA_PREFIX
  value: {{ .root.Values.schemaPrefix | quote }}
- name: LOG_LEVEL
  value: {{ .root.Values.logLevel | quote }}
{{- end }}

{{- define "jobledger.adminKeyEnv" -}}
- name: JOBLEDGER_ADMIN_KEY
  valueFrom:
    secretKeyRef:
      {{- if .Values.adminKey.existingSecret }}
      name: {{ .Values.adminKey.existingSecret }}
      key: {{ .Values.adminKey.existingSecretKey }}
      {{- else }}
      name: {{ include "jobledger.secretName" . }}
      key: admin-key
      {{- end }}
{{- end }}

{{- define "jobledger.hookAnnotations" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: {{ .weight | quote }}
helm.sh/hook-delete-policy: {{ .root.Values.hooks.deletePolicy }}
{{- end }}
