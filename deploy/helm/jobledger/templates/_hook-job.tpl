{{/*
A pre-install/pre-upgrade hook Job running one command in the Jobledger image.
Takes (dict "root" $ "name" "migrate" "weight" 0 "command" (list ...) "env" "<yaml env list>").
*/}}
{{- define "jobledger.hookJob" -}}
{{- $root := .root }}
{{- $ctx := dict "root" $root "component" .name }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "jobledger.componentName" $ctx }}
  labels:
    {{- include "jobledger.componentLabels" $ctx | nindent 4 }}
  annotations:
    {{- include "jobledger.hookAnnotations" (dict "root" $root "weight" .weight) | nindent 4 }}
spec:
  backoffLimit: {{ $root.Values.hooks.backoffLimit }}
  activeDeadlineSeconds: {{ $root.Values.hooks.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "jobledger.componentSelectorLabels" $ctx | nindent 8 }}
    spec:
      restartPolicy: Never
      serviceAccountName: {{ ternary (include "jobledger.hookName" $root) (include "jobledger.serviceAccountName" $root) $root.Values.serviceAccount.create }}
      automountServiceAccountToken: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .name }}
          image: {{ include "jobledger.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command: {{ toJson .command }}
          env:
            {{- include "jobledger.commonEnv" (dict "root" $root "secret" (include "jobledger.hookName" $root)) | nindent 12 }}
            {{- with .env }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $root.Values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with $root.Values.extraEnvFrom }}
          envFrom:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          resources:
            {{- toYaml $root.Values.hooks.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
      {{- with $root.Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
